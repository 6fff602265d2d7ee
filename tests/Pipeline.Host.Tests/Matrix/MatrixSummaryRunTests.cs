using System.Globalization;
using Pipeline.Host.Matrix;
using Pipeline.Host.Tests.Cli;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>A tiny real matrix with a summary, run end to end through the command line and collected again.</summary>
public sealed class MatrixSummaryRunTests
{
    [Fact]
    public void A_matrix_over_two_seeds_writes_each_stages_accuracy_the_steps_to_a_target_and_the_mean_over_the_seeds()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + """

              run.threads: 1
            axes:
              seed:
                key: run.seed
                values: [1, 2]
            summary:
              over: [seed]
              targets: { accuracy: 0 }
              curves: [loss]
            """);

        var (exitCode, output, _) = ConsoleCapture.Run("matrix", matrix.MatrixPath);

        exitCode.Should().Be(0, output);
        var results = MatrixResultsReader.Read(MatrixManifest.Read(matrix.OutputDirectory), matrix.OutputDirectory);
        results.StageMetrics.Should().Equal(
            "pretrain.accuracy", "pretrain.accuracy_audio", "pretrain.accuracy_image", "pretrain.accuracy_text", "pretrain.eval_loss",
            "instruct.accuracy", "instruct.accuracy_audio", "instruct.accuracy_image", "instruct.accuracy_text", "instruct.eval_loss");
        foreach (var cell in results.Cells)
        {
            cell.Metrics["instruct.accuracy"].Should().Be(cell.Metrics[MatrixMetrics.Accuracy], "the last stage's evaluation is the cell's");
            cell.Metrics["steps_to_accuracy_0"].Should().Be(6, "any accuracy reaches 0, first at pretrain's end (step 6 of 6)");
        }
        var summary = File.ReadAllLines(Path.Combine(matrix.OutputDirectory, "summary.csv"));
        summary.Should().HaveCount(2, "a header and the one group of both seeds");
        var header = summary[0].Split(',');
        var row = summary[1].Split(',');
        header[..3].Should().Equal("n", "n_failed", "n_unfinished");
        row[..3].Should().Equal("2", "0", "0");
        double mean = double.Parse(row[Array.IndexOf(header, "accuracy_mean")], CultureInfo.InvariantCulture);
        mean.Should().BeApproximately(results.Cells.Average(c => c.Metrics[MatrixMetrics.Accuracy]), 1e-12);
        File.Exists(Path.Combine(matrix.OutputDirectory, "charts", "summary_curve_loss.png")).Should().BeTrue();

        string written = File.ReadAllText(Path.Combine(matrix.OutputDirectory, "summary.csv"));
        File.Delete(Path.Combine(matrix.OutputDirectory, "summary.csv"));
        ConsoleCapture.Run("matrix", "collect", matrix.OutputDirectory).ExitCode.Should().Be(0);
        File.ReadAllText(Path.Combine(matrix.OutputDirectory, "summary.csv")).Should().Be(written, "collect summarises from the folder alone");
    }
}
