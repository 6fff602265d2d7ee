using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixReportTests : IDisposable
{
    private readonly MatrixFixture _matrix = new();

    public void Dispose() => _matrix.Dispose();

    [Fact]
    public void Every_file_is_written_and_returned_in_order_and_charts_no_longer_backed_by_data_are_removed()
    {
        var finished = _matrix.WithMetricsLog(_matrix.Cell(0, "lora", "constant", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.6)), 3.0, 0.6);
        string output = Path.Combine(_matrix.Root, "report");

        var written = MatrixReport.Write(MatrixFixture.Results([finished]), output);

        written.Select(p => Path.GetRelativePath(output, p)).Should().Equal(
            "results.csv", "results.md", Path.Combine("charts", "final_accuracy.png"), Path.Combine("charts", "loss.png"),
            Path.Combine("charts", "accuracy.png"), "report.html");
        written.Should().OnlyContain(p => File.Exists(p));

        // The cell is rerun and fails: its curves and bar go, its row stays.
        var rerun = MatrixReport.Write(MatrixFixture.Results([finished with { Status = CellStatus.Failed, Error = "boom", Metrics = new Dictionary<string, double>() }]), output);

        rerun.Select(Path.GetFileName).Should().Equal("results.csv", "results.md", "report.html");
        Directory.GetFiles(Path.Combine(output, "charts")).Should().BeEmpty();
        File.ReadAllText(rerun[2]).Should().Contain("<p>No charts: no cell that finished or was interrupted has training records.</p>");
    }

    [Theory]
    [InlineData(CellStatus.Interrupted, true, "2 cells: 1 finished, 0 failed, 1 interrupted, 0 not run; baseline passed.")]
    [InlineData(CellStatus.NotStarted, false, "2 cells: 1 finished, 0 failed, 1 not run; no baseline.")]
    public void The_summary_counts_the_cells_by_status_and_says_how_the_baseline_went(CellStatus second, bool compared, string summary)
    {
        var cells = new[] { _matrix.Cell(0, "lora", "constant", CellStatus.Finished), _matrix.Cell(1, "dora", "constant", second) };
        var comparison = compared ? new BaselineComparison("baseline.json", [], [], [], []) : null;

        MatrixSummary.Line(MatrixFixture.Results(cells, comparison)).Should().Be(summary);
    }
}
