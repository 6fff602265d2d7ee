using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Cli;

/// <summary><c>validate</c> checks every sample as <c>train</c> does before training, unless <c>--no-data</c>; it never writes.</summary>
public sealed class ValidateDataTests
{
    private static LlavaDataFolder WithCorruptImage()
    {
        var data = new LlavaDataFolder();
        File.WriteAllText(data.Media("broken.png"), "not an image");
        data.WriteTrain(new { id = "broken", image = "broken.png", conversations = LlavaDataFolder.Turns("<image>\nwhat is it ?", "red") });
        return data;
    }

    [Fact]
    public void A_bad_sample_is_found_by_validate_with_its_file_line_and_id_and_nothing_is_written()
    {
        using var data = WithCorruptImage();

        var (exitCode, _, error) = ConsoleCapture.Run("validate", data.ConfigPath);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Trim().Should().Be($"error: {data.TrainJson}:5: sample 'broken' (item 3): cannot decode image file '{data.Media("broken.png")}' (not a PNG or JPEG image?)");
        Directory.Exists(data.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void No_data_skips_the_data_check()
    {
        using var data = WithCorruptImage();

        var (exitCode, output, error) = ConsoleCapture.Run("validate", data.ConfigPath, "--no-data");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().Contain($"{data.ConfigPath}: valid").And.NotContain("data:");
    }

    [Fact]
    public void Good_data_is_reported_with_its_counts_and_skipped_samples_are_listed_under_skip()
    {
        using var data = new LlavaDataFolder(onError: "skip");
        File.WriteAllText(data.Media("broken.png"), "not an image");
        data.WriteTrain(new { id = "broken", image = "broken.png", conversations = LlavaDataFolder.Turns("<image>\nwhat is it ?", "red") });

        var (exitCode, output, error) = ConsoleCapture.Run("validate", data.ConfigPath);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().Contain($"  skipped: {data.TrainJson}:5: sample 'broken' (item 3): cannot decode image file")
            .And.Contain("  data: skipped 1 of 4 train samples (corrupt_media 1)")
            .And.Contain("  data: checked and tokenised 10 samples in ")
            .And.Contain("  data: 3 pretrain, 3 train, 3 eval samples; vocabulary ");
        Directory.Exists(data.OutputDirectory).Should().BeFalse();
    }
}
