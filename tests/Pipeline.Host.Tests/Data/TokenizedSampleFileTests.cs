using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

/// <summary>Tokenised samples kept on disk read back exactly, by index, from several threads at once; the file goes with the store.</summary>
public sealed class TokenizedSampleFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static TokenizedSample Sample(int i, string dataFile) => new(
        $"s-{i}", i % 2 == 0 ? "image" : "text", new SampleLocation(dataFile, i, 2 * i + 1),
        i % 2 == 0 ? new MediaFile("image", $"/data/img-{i % 3}.png", $"s-{i} (img-{i % 3}.png)", DataFileReader.Default) : null,
        Enumerable.Range(0, 3 + i % 5).Select(t => t * 1000 + i).ToArray(), Enumerable.Range(0, 3 + i % 5).Select(t => t % 2 == 1).ToArray());

    [Fact]
    public void Samples_read_back_equal_to_what_was_stored_in_any_order_and_from_many_threads()
    {
        using var store = new TokenizedSampleFile("train.json", DataFileReader.Default, _folder.Path);
        for (int i = 0; i < 500; i++) store.Add(Sample(i, "train.json"));

        store.Count.Should().Be(500);
        Parallel.For(0, 2000, k =>
        {
            int i = (k * 7919) % 500;
            var read = store[i];
            var expected = Sample(i, "train.json");
            (read.Id, read.Category, read.Location).Should().Be((expected.Id, expected.Category, expected.Location));
            read.Ids.Should().Equal(expected.Ids);
            read.Supervised.Should().Equal(expected.Supervised);
            if (expected.Media is MediaFile media)
            {
                var file = read.Media.Should().BeOfType<MediaFile>().Subject;
                (file.Modality, file.Path, file.SourceId).Should().Be((media.Modality, media.Path, media.SourceId));
            }
            else
            {
                read.Media.Should().BeNull();
            }
        });
        store.Select(s => s.Id).Should().Equal(Enumerable.Range(0, 500).Select(i => $"s-{i}"));
    }

    [Fact]
    public void The_file_has_no_name_left_to_leak_while_the_store_still_reads_it()
    {
        using var store = new TokenizedSampleFile("train.json", DataFileReader.Default, _folder.Path);
        store.Add(Sample(1, "train.json"));

        // Removed from the folder at once (a killed process leaves nothing), readable through the open handle.
        Directory.GetFiles(_folder.Path).Should().BeEmpty();
        store[0].Id.Should().Be("s-1");
    }

    [Fact]
    public void Samples_from_another_file_or_with_media_in_memory_are_refused()
    {
        using var store = new TokenizedSampleFile("train.json", DataFileReader.Default, _folder.Path);
        var inMemory = new TokenizedSample("m", "image", null, new DecodedMedia(new Pipeline.Contracts.Media.ImageItem("m", new float[3], 1, 1)), [1], [false]);

        ((Action)(() => store.Add(Sample(1, "eval.json")))).Should().Throw<ArgumentException>()
            .WithMessage("sample 's-1' comes from 'eval.json', not from 'train.json'*");
        ((Action)(() => store.Add(inMemory))).Should().Throw<ArgumentException>()
            .WithMessage("sample 'm': only media files can be stored, not DecodedMedia*");
        store.Count.Should().Be(0);
    }
}
