using Pipeline.Host.Reporting;

namespace Pipeline.Host.Matrix;

/// <summary>
/// The charts of a matrix, written as PNG files into <c>charts/</c>: each cell's final accuracy as a bar, the training
/// loss of every cell on one step axis, and the held-out accuracy of every cell. Curves come from each cell's
/// <c>metrics.jsonl</c> (read as <see cref="MetricsPlotter"/> reads a single run, so the same series are drawn: one line
/// per stage of training loss, accuracy along the subset evaluations with the whole-split ones as squares). Only cells
/// that finished or were interrupted are drawn; failed cells and cells not run are in the tables alone. A cell keeps one
/// colour (and line pattern) in every chart, given by its place in the matrix.
/// </summary>
internal static class MatrixCharts
{
    public const string Folder = "charts";
    public const string LossFile = "loss.png";
    public const string AccuracyFile = "accuracy.png";
    public const string FinalAccuracyFile = "final_accuracy.png";

    public const int Width = 1200;
    private const int MinimumHeight = 560;

    /// <summary>Height of a legend entry or a bar, in pixels, so a chart grows with the cells it shows.</summary>
    private const int RowHeight = 22;

    /// <summary>The height of a line chart whose legend lists <paramref name="entries"/> cells.</summary>
    public static int LinesHeight(int entries) => Math.Max(MinimumHeight, 140 + RowHeight * entries);

    /// <summary>The height of a bar chart of <paramref name="bars"/> cells.</summary>
    public static int BarsHeight(int bars) => Math.Max(240, 110 + (RowHeight + 6) * bars);

    /// <summary>Writes the charts the results have data for into <c>charts/</c> under <paramref name="outputDirectory"/>:
    /// the final accuracies first (the matrix at a glance), then the loss and accuracy curves.</summary>
    public static IReadOnlyList<MatrixChartFile> Write(MatrixResults results, string outputDirectory)
    {
        var (lines, bars) = ChartsOf(results);
        var written = new List<MatrixChartFile>();
        string folder = Path.Combine(outputDirectory, Folder);
        if (bars is not null)
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, bars.FileName);
            int height = BarsHeight(bars.Bars.Count);
            ChartRenderer.RenderBars(bars, path, Width, height);
            written.Add(new MatrixChartFile(path, bars.Title, Width, height));
        }
        foreach (var chart in lines)
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, chart.FileName);
            int height = LinesHeight(chart.Series.Count(s => s.Legend is not null));
            ChartRenderer.Render(chart, path, Width, height);
            written.Add(new MatrixChartFile(path, chart.Title, Width, height));
        }
        return written;
    }

    /// <summary>The line charts with any series (loss, then accuracy) and the bar chart, or null when no cell has an accuracy.</summary>
    public static (IReadOnlyList<ChartData> Lines, BarChartData? Bars) ChartsOf(MatrixResults results)
    {
        var drawn = results.Cells.Where(c => c.Status is CellStatus.Finished or CellStatus.Interrupted).ToList();
        var colorOrder = results.Cells.Select(c => c.Name).ToList();
        var axes = new List<StageAxis>();
        var loss = new List<ChartSeries>();
        var accuracy = new List<ChartSeries>();
        foreach (var cell in drawn)
        {
            string metricsPath = Path.Combine(cell.RunDirectory, "metrics.jsonl");
            if (!File.Exists(metricsPath)) continue;
            var log = MetricsLog.Read(metricsPath);
            if (log.Records.Count == 0) continue;
            axes.Add(StageAxis.From(log.Records));
            var charts = MetricsPlotter.ChartsOf(log);
            loss.AddRange(OfCell(cell, charts, "loss.png", s => s.Name != MetricsPlotter.HeldOutLoss));
            accuracy.AddRange(OfCell(cell, charts, "accuracy.png", s => s.Name == MetricsPlotter.Overall));
        }
        var axis = StageAxis.Shared(axes);
        var lines = new List<ChartData>();
        if (loss.Count > 0)
            lines.Add(new ChartData(LossFile, "Training loss of every cell", "training loss", false, axis, loss) { ColorOrder = colorOrder });
        if (accuracy.Count > 0)
        {
            string title = accuracy.Any(s => s.Style == SeriesStyle.Points)
                ? "Held-out accuracy of every cell (squares: the whole held-out split, where the curve is a subset)"
                : "Held-out accuracy of every cell";
            lines.Add(new ChartData(AccuracyFile, title, "accuracy (%)", true, axis, accuracy) { ColorOrder = colorOrder });
        }
        var finals = drawn
            .Where(c => c.Metrics.ContainsKey(MatrixMetrics.Accuracy))
            .Select(c => new ChartBar(c.Name, c.Metrics[MatrixMetrics.Accuracy] * 100, MatrixValueFormat.Readable(MatrixMetrics.Accuracy, c.Metrics[MatrixMetrics.Accuracy])))
            .ToList();
        var bars = finals.Count == 0 ? null
            : new BarChartData(FinalAccuracyFile, "Final held-out accuracy of each cell", "accuracy (%)", true, finals) { ColorOrder = colorOrder };
        return (lines, bars);
    }

    /// <summary>The series of one of the cell's single-run charts, renamed after the cell, its legend entry on the first only.</summary>
    private static IEnumerable<ChartSeries> OfCell(CellResult cell, IReadOnlyList<ChartData> charts, string fileName, Func<ChartSeries, bool> keep)
    {
        var chart = charts.FirstOrDefault(c => c.FileName == fileName);
        if (chart is null) yield break;
        bool listed = false;
        foreach (var series in chart.Series.Where(keep))
        {
            bool first = !listed && series.Style == SeriesStyle.Line;
            listed |= first;
            yield return series with { Name = cell.Name, Legend = first ? cell.Name : null };
        }
    }
}
