using Pipeline.Host.Matrix;
using Pipeline.Host.Reporting;
using Pipeline.Host.Tests.Reporting;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixChartsTests : IDisposable
{
    private readonly MatrixFixture _matrix = new();

    public void Dispose() => _matrix.Dispose();

    private static IEnumerable<string> Describe(ChartData chart) => chart.Series.Select(s =>
        FormattableString.Invariant($"{s.Name} [{s.Legend ?? "-"}] {s.Style}: {string.Join(" ", s.Points.Select(p => $"{p.X}={p.Y:0.###}"))}"));

    private MatrixResults FourCells()
    {
        var lora = _matrix.WithMetricsLog(_matrix.Cell(0, "lora", "constant", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.75)), 4.0, 0.75);
        // A failed cell's partial log is not drawn.
        var failed = _matrix.WithMetricsLog(_matrix.Cell(1, "dora", "constant", CellStatus.Failed, error: "boom"), 5.0, 0.1);
        var notRun = _matrix.Cell(2, "lora", "commit", CellStatus.NotStarted);
        var dora = _matrix.WithMetricsLog(_matrix.Cell(3, "dora", "commit", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.5)), 2.0, 0.5);
        return MatrixFixture.Results([lora, failed, notRun, dora]);
    }

    [Fact]
    public void Curves_of_the_cells_that_ran_share_one_step_axis_and_keep_the_colour_of_their_place_in_the_matrix()
    {
        var (lines, bars) = MatrixCharts.ChartsOf(FourCells());

        lines.Select(c => c.FileName).Should().Equal("loss.png", "accuracy.png");
        var accuracy = lines[1];
        accuracy.Axis.Stages.Should().Equal(("pretrain", 0L, 20L), ("instruct", 20L, 30L));
        accuracy.ColorOrder.Should().Equal(
            "adapter=lora,schedule=constant", "adapter=dora,schedule=constant", "adapter=lora,schedule=commit", "adapter=dora,schedule=commit");
        Describe(accuracy).Should().Equal(
            "adapter=lora,schedule=constant [adapter=lora,schedule=constant] Line: 10=0 20=0 30=25 40=50 50=75",
            "adapter=dora,schedule=commit [adapter=dora,schedule=commit] Line: 10=0 20=0 30=16.667 40=33.333 50=50");
        // Training loss restarts with each stage: one line per stage, the cell listed once.
        lines[0].Series.Select(s => (s.Name, s.Legend, s.Points.Count)).Should().Equal(
            ("adapter=lora,schedule=constant", "adapter=lora,schedule=constant", 4), ("adapter=lora,schedule=constant", null, 6),
            ("adapter=dora,schedule=commit", "adapter=dora,schedule=commit", 4), ("adapter=dora,schedule=commit", null, 6));
        bars!.Bars.Should().Equal(new ChartBar("adapter=lora,schedule=constant", 75, "75.0%"), new ChartBar("adapter=dora,schedule=commit", 50, "50.0%"));
    }

    [Fact]
    public void The_charts_are_pngs_in_the_charts_folder_with_the_bars_first()
    {
        var written = MatrixCharts.Write(FourCells(), _matrix.Root);

        written.Select(c => Path.GetRelativePath(_matrix.Root, c.Path)).Should().Equal(
            Path.Combine("charts", "final_accuracy.png"), Path.Combine("charts", "loss.png"), Path.Combine("charts", "accuracy.png"));
        written.Select(c => PngFile.Size(c.Path)).Should().Equal((1200, 240), (1200, 560), (1200, 560));
    }

    [Fact]
    public void Fifty_cells_get_charts_tall_enough_for_a_legend_entry_and_a_bar_each()
    {
        var cells = Enumerable.Range(0, 50)
            .Select(i => _matrix.WithMetricsLog(
                _matrix.Cell(i, $"adapter{i % 5}", $"seed{i / 5}", CellStatus.Finished, MatrixFixture.FinishedMetrics(i / 50.0)), 3 + i / 25.0, i / 50.0))
            .ToList();

        var written = MatrixCharts.Write(MatrixFixture.Results(cells), _matrix.Root);

        written.Select(c => PngFile.Size(c.Path)).Should().Equal((1200, 110 + 28 * 50), (1200, 140 + 22 * 50), (1200, 140 + 22 * 50));
    }

    [Fact]
    public void Without_any_cell_that_ran_no_chart_is_written()
    {
        var results = MatrixFixture.Results([_matrix.Cell(0, "lora", "constant", CellStatus.Failed, error: "boom"), _matrix.Cell(1, "dora", "constant", CellStatus.NotStarted)]);

        MatrixCharts.Write(results, _matrix.Root).Should().BeEmpty();
        Directory.Exists(Path.Combine(_matrix.Root, "charts")).Should().BeFalse();
    }

    [Fact]
    public void Cells_with_different_stages_share_an_axis_without_stage_boundaries()
    {
        var full = _matrix.WithMetricsLog(_matrix.Cell(0, "lora", "constant", CellStatus.Finished), 4.0, 0.5);
        var interrupted = _matrix.Cell(1, "dora", "constant", CellStatus.Interrupted);
        Directory.CreateDirectory(interrupted.RunDirectory);
        File.WriteAllLines(Path.Combine(interrupted.RunDirectory, "metrics.jsonl"),
            ["""{"kind":"train","stage":"pretrain","step":5,"loss":3.0}""", """{"kind":"train","stage":"pretrain","step":10,"loss":2.0}"""]);

        var (lines, bars) = MatrixCharts.ChartsOf(MatrixFixture.Results([full, interrupted]));

        lines.Select(c => c.FileName).Should().Equal("loss.png", "accuracy.png");
        foreach (var chart in lines) chart.Axis.Stages.Should().Equal(("", 0L, 50L));
        lines[0].Series.Select(s => s.Name).Should().Equal(
            "adapter=lora,schedule=constant", "adapter=lora,schedule=constant", "adapter=dora,schedule=constant");
        bars.Should().BeNull("no cell has an accuracy metric");
    }
}
