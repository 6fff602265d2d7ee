using System.Text.RegularExpressions;
using Pipeline.Host.Reporting;

namespace Pipeline.Host.Matrix;

/// <summary>
/// The charts of a matrix summary, PNG files in <c>charts/</c> beside the matrix's own: the mean held-out accuracy
/// of each row with an error bar of one standard deviation (<c>summary_accuracy.png</c>, and
/// <c>summary_accuracy_CATEGORY.png</c> per category), and for each <c>summary.curves</c> key the mean over the repeats
/// by step, one line per row with a band of ± one standard deviation (<c>summary_curve_KEY.png</c>). The rows are
/// those of the best table when <c>summary.best</c> is given (each arm at its chosen label), else every group.
/// </summary>
internal static partial class MatrixSummaryCharts
{
    public const string FilePrefix = "summary_";

    /// <summary>Writes the charts the rows have data for into <c>charts/</c> under <paramref name="outputDirectory"/>.</summary>
    public static IReadOnlyList<MatrixChartFile> Write(MatrixResults results, SummarySettings settings, IReadOnlyList<SummaryRow> rows, string outputDirectory)
    {
        var (bars, curves) = ChartsOf(results, settings, rows);
        var written = new List<MatrixChartFile>();
        string folder = Path.Combine(outputDirectory, MatrixCharts.Folder);
        var renders = bars.Select(chart => (chart.FileName, chart.Title, Height: MatrixCharts.BarsHeight(chart.Bars.Count),
                Render: (Action<string, int>)((path, height) => ChartRenderer.RenderBars(chart, path, MatrixCharts.Width, height))))
            .Concat(curves.Select(chart => (chart.FileName, chart.Title, Height: MatrixCharts.LinesHeight(chart.Series.Count),
                Render: (Action<string, int>)((path, height) => ChartRenderer.Render(chart, path, MatrixCharts.Width, height)))));
        foreach (var (fileName, title, height, render) in renders)
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, fileName);
            render(path, height);
            written.Add(new MatrixChartFile(path, title, MatrixCharts.Width, height));
        }
        return written;
    }

    /// <summary>The bar charts and then the curves, for the rows that have data.</summary>
    public static (IReadOnlyList<BarChartData> Bars, IReadOnlyList<ChartData> Curves) ChartsOf(MatrixResults results, SummarySettings settings, IReadOnlyList<SummaryRow> rows)
    {
        var order = rows.Select(r => RowName(r, settings)).ToList();
        string over = string.Join(", ", settings.Over);
        var bars = new List<BarChartData>();
        foreach (string metric in new[] { MatrixMetrics.Accuracy }.Concat(results.Categories.Select(c => MatrixMetrics.AccuracyPrefix + c)))
        {
            var shown = rows.Where(r => r.Means.ContainsKey(metric)).Select(r => new ChartBar(RowName(r, settings), r.Means[metric] * 100, MatrixSummaryWriter.Readable(r, metric))
            {
                Error = r.Deviations.GetValueOrDefault(metric) * 100,
            }).ToList();
            if (shown.Count == 0) continue;
            string what = metric == MatrixMetrics.Accuracy ? "held-out accuracy" : $"held-out accuracy on {metric[MatrixMetrics.AccuracyPrefix.Length..]}";
            bars.Add(new BarChartData($"{FilePrefix}{FileSafe(metric)}.png", $"Mean {what} over {over} (error bars: ± one standard deviation)",
                "accuracy (%)", true, shown) { ColorOrder = order });
        }
        var curves = new List<ChartData>();
        foreach (string key in settings.Curves)
            if (Curve(key, rows, settings, order, over) is { } chart) curves.Add(chart);
        return (bars, curves);
    }

    /// <summary>The row as a chart names it: its group, and in the best table the label chosen (<c>adapter=lora (lr=1e-3)</c>).</summary>
    public static string RowName(SummaryRow row, SummarySettings settings) =>
        row.Chosen is null || settings.Best is null ? row.Name : $"{row.Name} ({settings.Best.Axis}={row.Chosen})";

    private static ChartData? Curve(string key, IReadOnlyList<SummaryRow> rows, SummarySettings settings, IReadOnlyList<string> order, string over)
    {
        bool percent = key == MatrixMetrics.Accuracy || key.StartsWith(MatrixMetrics.AccuracyPrefix, StringComparison.Ordinal);
        var axes = new List<StageAxis>();
        var series = new List<ChartSeries>();
        foreach (var row in rows)
        {
            var runs = new List<SortedDictionary<double, double>>();
            foreach (var cell in row.Cells.Where(c => c.Status == CellStatus.Finished))
            {
                string path = Path.Combine(cell.RunDirectory, "metrics.jsonl");
                if (!File.Exists(path)) continue;
                var records = MetricsLog.Read(path).Records;
                var axis = StageAxis.From(records);
                axes.Add(axis);
                var byStep = new SortedDictionary<double, double>();
                foreach (var record in records)
                    if (record.Values.TryGetValue(key, out double value)) byStep[axis.X(record.Stage, record.Step)] = percent ? value * 100 : value;
                runs.Add(byStep);
            }
            if (runs.Count == 0 || runs.Any(r => r.Count == 0)) continue;
            var mean = MeanCurve(runs);
            if (mean.Count == 0) continue;
            string name = RowName(row, settings);
            series.Add(new ChartSeries(name, name, SeriesStyle.Line, mean.Select(p => (p.X, p.Mean)).ToList())
            {
                Band = runs.Count < 2 ? null : mean.Select(p => (p.X, p.Mean - p.Deviation, p.Mean + p.Deviation)).ToList(),
            });
        }
        if (series.Count == 0) return null;
        return new ChartData($"{FilePrefix}curve_{FileSafe(key)}.png", $"Mean {key} over {over} by step (band: ± one standard deviation)",
            percent ? $"{key} (%)" : key, percent, StageAxis.Shared(axes), series) { ColorOrder = order };
    }

    /// <summary>At every step all <paramref name="runs"/> have a value, their mean and sample standard deviation (0 for one run).</summary>
    public static IReadOnlyList<(double X, double Mean, double Deviation)> MeanCurve(IReadOnlyList<IReadOnlyDictionary<double, double>> runs)
    {
        var steps = runs.Skip(1).Aggregate((IEnumerable<double>)runs[0].Keys, (common, run) => common.Where(run.ContainsKey)).Order().ToList();
        return steps.Select(x =>
        {
            var values = runs.Select(r => r[x]).ToList();
            return (x, values.Average(), MatrixSummaryTable.SampleDeviation(values) ?? 0);
        }).ToList();
    }

    /// <summary>A key as part of a file name: characters other than letters, digits, <c>_</c>, <c>-</c> and <c>.</c> become <c>_</c>.</summary>
    public static string FileSafe(string key) => Unsafe().Replace(key, "_");

    [GeneratedRegex(@"[^A-Za-z0-9_.\-]")]
    private static partial Regex Unsafe();
}
