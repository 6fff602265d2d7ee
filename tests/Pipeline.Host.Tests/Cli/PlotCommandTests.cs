using Pipeline.Host.Cli;
using Pipeline.Host.Reporting;
using Pipeline.Host.Tests.Data;
using Pipeline.Host.Tests.Reporting;

namespace Pipeline.Host.Tests.Cli;

public sealed class PlotCommandTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Plot_draws_the_charts_of_a_run_directory_and_lists_them()
    {
        File.WriteAllLines(Path.Combine(_folder.Path, "metrics.jsonl"),
        [
            """{"kind":"train","stage":"instruct","step":5,"loss":2.0,"lr_llm":0.001}""",
            """{"kind":"train","stage":"instruct","step":10,"loss":1.0,"lr_llm":0.0005}""",
            "{\"kind\":\"train\",\"sta",
        ]);

        var (exitCode, output, error) = ConsoleCapture.Run("plot", _folder.Path, "--out", Path.Combine(_folder.Path, "charts"));

        exitCode.Should().Be(0);
        string charts = Path.Combine(_folder.Path, "charts");
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Should().Equal(Path.Combine(charts, "loss.png"), Path.Combine(charts, "learning_rate.png"));
        PngFile.Size(Path.Combine(charts, "loss.png")).Should().Be((MetricsPlotter.Width, MetricsPlotter.Height));
        error.Trim().Should().Be($"warning: skipped 1 lines of '{Path.Combine(_folder.Path, "metrics.jsonl")}' that are not metrics records");
    }

    [Fact]
    public void Plot_of_a_folder_without_metrics_fails_with_one_line()
    {
        var (exitCode, _, error) = ConsoleCapture.Run("plot", _folder.Path);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Trim().Should().Be($"error: '{Path.Combine(_folder.Path, "metrics.jsonl")}' does not exist");
    }
}
