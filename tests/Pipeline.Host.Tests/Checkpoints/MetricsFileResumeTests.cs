using System.Text.Json;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Cli;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// <c>metrics.jsonl</c> changed before <c>train --resume</c>: a shortened or edited file, which cutting back to the
/// checkpoint would turn into a broken one, is refused before anything is written; a deleted one is allowed, with a
/// warning, and the resumed run writes a new one.
/// </summary>
public sealed class MetricsFileResumeTests(TrainedLlavaRun run) : IClassFixture<TrainedLlavaRun>
{
    private static long MetricsBytesAt(RunCopy copy, string checkpoint)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(copy.Checkpoint(checkpoint), CheckpointStore.StateFileName)));
        return state.RootElement.GetProperty("metrics_bytes").GetInt64();
    }

    private static void ShouldRefuse(RunCopy copy, string expected)
    {
        var before = FolderHash.Of(copy.OutputDirectory);

        var (exitCode, _, error) = ConsoleCapture.Run(["train", copy.ConfigPath, "--resume", .. TrainedLlavaRun.Settings]);

        error.Trim().Should().Be("error: " + expected);
        exitCode.Should().Be(CommandErrors.RunError);
        FolderHash.Of(copy.OutputDirectory).Should().Equal(before);
    }

    [Fact]
    public void A_metrics_file_shorter_than_at_the_checkpoint_is_refused()
    {
        using var copy = run.Copy();
        copy.PointLatestAt("checkpoint-000001");
        long bytes = MetricsBytesAt(copy, "checkpoint-000001");
        using (var file = new FileStream(copy.MetricsFile, FileMode.Open)) file.SetLength(bytes - 10);

        ShouldRefuse(copy, $"cannot resume from checkpoint-000001: {copy.MetricsFile} is {bytes - 10} bytes, shorter than the {bytes} it had at " +
            "checkpoint-000001: records written before the checkpoint were removed. Nothing was changed. Restore the file, or delete it to resume " +
            "with a new one that holds only the records written after checkpoint-000001");
    }

    [Fact]
    public void A_metrics_file_edited_where_the_checkpoint_cuts_it_is_refused()
    {
        using var copy = run.Copy();
        copy.PointLatestAt("checkpoint-000001");
        long bytes = MetricsBytesAt(copy, "checkpoint-000001");
        string text = File.ReadAllText(copy.MetricsFile);
        text[(int)bytes - 1].Should().Be('\n');
        File.WriteAllText(copy.MetricsFile, text[..((int)bytes - 1)] + " " + text[(int)bytes..]);

        ShouldRefuse(copy, $"cannot resume from checkpoint-000001: {copy.MetricsFile} was edited since checkpoint-000001: its byte {bytes}, " +
            "where the records written up to the checkpoint end, does not end a line. Nothing was changed. Restore the file, or delete it to " +
            "resume with a new one that holds only the records written after checkpoint-000001");
    }

    [Fact]
    public void A_deleted_metrics_file_resumes_with_a_warning_and_a_new_file_of_the_later_records()
    {
        using var copy = run.Copy();
        copy.PointLatestAt("checkpoint-000001");
        var uninterrupted = RunFiles.Metrics(copy.OutputDirectory);
        File.Delete(copy.MetricsFile);

        var (exitCode, output, error) = ConsoleCapture.Run(["train", copy.ConfigPath, "--resume", "--plain", .. TrainedLlavaRun.Settings]);

        exitCode.Should().Be(0, error);
        output.Should().Contain($"warning: {copy.MetricsFile} is missing; the resumed run writes a new one, holding the records written after checkpoint-000001 only");
        var resumed = RunFiles.Metrics(copy.OutputDirectory);
        resumed.Should().NotBeEmpty().And.Equal(uninterrupted.TakeLast(resumed.Count));
    }
}
