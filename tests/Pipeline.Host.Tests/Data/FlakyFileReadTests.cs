using Pipeline.Contracts.Media;
using Pipeline.Host.Data;
using Pipeline.Host.IO;

namespace Pipeline.Host.Tests.Data;

/// <summary>Dataset files are read through the transient-I/O retry: a reader whose first reads fail still loads everything.</summary>
public sealed class FlakyFileReadTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures");
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A reader whose first <paramref name="failures"/> reads throw a transient <see cref="IOException"/>.</summary>
    private static (DataFileReader Reader, List<string> Attempts, List<int> Retries) Flaky(int failures, int maxRetries = 4)
    {
        var attempts = new List<string>();
        var retries = new List<int>();
        var retry = new TransientFileRetry(maxRetries, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        retry.Retried += (n, _) => retries.Add(n);
        var reader = new DataFileReader(path =>
        {
            attempts.Add(Path.GetFileName(path));
            return attempts.Count <= failures ? throw new IOException($"share busy ({attempts.Count})") : File.ReadAllBytes(path);
        }, retry);
        return (reader, attempts, retries);
    }

    private string WriteConversations()
    {
        ImageFileEncoder.WritePng(_folder.File("a.png"), new ImageItem("a", Enumerable.Repeat(0.5f, 3 * 4 * 4).ToArray(), 4, 4));
        WavFileWriter.Write(_folder.File("b.wav"), [0.25f, -0.25f], 16000);
        string json = _folder.File("data.json");
        File.WriteAllText(json, """
            [{"id": "i", "image": "a.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "grey"}]},
             {"id": "s", "audio": "b.wav", "conversations": [{"from": "human", "value": "<audio>"}, {"from": "gpt", "value": "beep"}]}]
            """);
        return json;
    }

    [Fact]
    public void Json_images_and_audio_load_although_the_first_reads_fail()
    {
        string json = WriteConversations();
        var (reader, attempts, retries) = Flaky(failures: 3);

        var samples = LlavaConversationDataset.Load(json, reader: reader);
        var media = samples.Select(s => s.Media!.Load()).ToList();

        samples.Select(s => s.Id).Should().Equal("i", "s");
        ((AudioItem)media[1]).Samples.Should().Equal(0.25f, -0.25f);
        attempts.Should().Equal("data.json", "data.json", "data.json", "data.json", "a.png", "b.wav");
        retries.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void An_error_that_outlasts_the_retries_names_the_file()
    {
        string json = WriteConversations();
        var (reader, attempts, _) = Flaky(failures: 100, maxRetries: 2);

        var act = () => LlavaConversationDataset.Load(json, reader: reader);

        act.Should().Throw<IOException>().WithMessage($"cannot read '{json}': share busy (3)");
        attempts.Should().HaveCount(3);
    }

    [Fact]
    public void A_missing_file_is_not_retried()
    {
        var (reader, attempts, retries) = Flaky(failures: 0);

        var act = () => reader.ReadAllBytes(_folder.File("absent.bin"));

        act.Should().Throw<FileNotFoundException>();
        attempts.Should().HaveCount(1);
        retries.Should().BeEmpty();
    }

    [Theory]
    [InlineData("huggingface", "tokenizer.json")]
    [InlineData("sentencepiece", "tokenizer.model")]
    public void Tokenizer_files_are_read_through_the_retry(string folder, string file)
    {
        var (reader, attempts, retries) = Flaky(failures: 2);

        var tokenizer = TokenizerLoader.Load(Path.Combine(Fixtures, folder, file), reader);

        tokenizer.VocabularySize.Should().BeGreaterThan(0);
        attempts.Should().Equal(file, file, file);
        retries.Should().Equal(1, 2);
    }
}
