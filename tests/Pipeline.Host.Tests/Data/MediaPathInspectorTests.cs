using Pipeline.Host.Config.Binding;
using Pipeline.Host.Data;
using Pipeline.Host.IO;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Data;

/// <summary>
/// Loading a media file (the data check, and every batch during training) looks at what its path names before
/// opening it, so a file that turned into a named pipe or a device after the data was read is refused, not read.
/// </summary>
public sealed class MediaPathInspectorTests
{
    /// <summary>A reader that records the files it is asked for and reads them for real.</summary>
    private static (DataFileReader Reader, List<string> Opened) Recording()
    {
        var opened = new List<string>();
        var reader = new DataFileReader(path =>
        {
            opened.Add(path);
            return File.ReadAllBytes(path);
        }, TransientFileRetry.Default);
        return (reader, opened);
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("socket")]
    [InlineData("link-to-dev-null")]
    [InlineData("directory")]
    [InlineData("link-loop")]
    [InlineData("dangling-link")]
    [InlineData("wav-too-large")]
    public void A_path_that_is_not_a_readable_regular_file_is_refused_without_being_opened(string name)
    {
        using var data = new LlavaDataFolder();
        var bad = BadMediaCorpus.Named(name);
        var (_, path) = BadMediaCorpus.Make(bad, data);
        var (reader, opened) = Recording();
        var media = new MediaFile(bad.Modality, path, $"{name} ({Path.GetFileName(path)})", reader);

        var load = () => media.Load();

        var refusal = load.Should().Throw<MediaProblemException>().Which;
        refusal.Message.Should().Be(bad.Detail.Replace("{path}", path));
        SnakeCase.FromPascalCase(refusal.Reason.ToString()).Should().Be(bad.Reason);
        opened.Should().BeEmpty();
    }

    [Fact]
    public void A_file_the_run_may_not_open_is_unreadable_media_naming_it()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("a.png");
        File.WriteAllBytes(path, [1, 2, 3]);
        // What a non-root user meets when the file's mode changes between the check of its path and the read.
        var reader = new DataFileReader(_ => throw new UnauthorizedAccessException("Access to the path is denied."), TransientFileRetry.Default);

        var load = () => new MediaFile("image", path, "a (a.png)", reader).Load();

        load.Should().Throw<MediaProblemException>().Where(e => e.Reason == SampleProblemReason.UnreadableMedia)
            .WithMessage($"image file '{path}' cannot be read: permission denied");
    }

    [Fact]
    public void A_regular_file_passes_and_is_read_once()
    {
        using var data = new LlavaDataFolder();
        var (reader, opened) = Recording();

        MediaPathInspector.Inspect("image", data.Media("red.png")).Should().BeNull();
        var image = (Pipeline.Contracts.Media.ImageItem)new MediaFile("image", data.Media("red.png"), "r (red.png)", reader).Load();

        (image.Height, image.Width).Should().Be((20, 24));
        opened.Should().Equal(data.Media("red.png"));
    }
}
