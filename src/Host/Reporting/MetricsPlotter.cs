extern alias ScottPlotLibrary;

using ScottPlotLibrary::ScottPlot;

namespace Pipeline.Host.Reporting;

/// <summary>
/// Draws PNG charts of a run from its <c>metrics.jsonl</c> alone, so any run, finished, stopped or from another
/// machine, can be plotted: training loss per stage, held-out accuracy (overall and per category), learning rate per
/// parameter group, and, when a schedule logged them (CoMMIT), kappa / kbar and the per-group multipliers. Stages are
/// laid end to end on one step axis (<see cref="StageAxis"/>), split by dashed lines. A chart whose values are absent
/// from the file is not written.
/// </summary>
public static class MetricsPlotter
{
    public const int Width = 1000;
    public const int Height = 560;

    /// <summary>A chart: which records and fields it draws, and how each field is named in the legend.</summary>
    /// <param name="SeriesName">The legend entry a field of a record belongs to, or null when the chart does not draw it.</param>
    /// <param name="SplitByStage">Break lines at stage boundaries (values that restart with each stage).</param>
    private sealed record Chart(string FileName, string Title, string YLabel, Func<MetricsRecord, string, string?> SeriesName,
        double Scale = 1, bool SplitByStage = true);

    private static readonly Chart[] Charts =
    [
        new("loss.png", "Training loss", "loss",
            (r, key) => r.Kind == "train" && key == "loss" ? r.Stage : null),
        new("accuracy.png", "Held-out exact-match accuracy", "accuracy (%)",
            (r, key) => r.Kind != "eval" ? null : key == "accuracy" ? "overall" : key.StartsWith("accuracy_", StringComparison.Ordinal) ? key["accuracy_".Length..] : null,
            Scale: 100, SplitByStage: false),
        new("learning_rate.png", "Learning rate by parameter group", "learning rate",
            (r, key) => r.Kind == "train" && key.StartsWith("lr_", StringComparison.Ordinal) ? key["lr_".Length..] : null),
        new("kappa.png", "Schedule balance: kappa and its moving average kbar", "kappa",
            (r, key) => IsScheduleValue(r) && (key.Contains("kappa", StringComparison.OrdinalIgnoreCase) || key.Contains("kbar", StringComparison.OrdinalIgnoreCase)) ? key : null),
        new("multipliers.png", "Schedule learning-rate multipliers", "multiplier",
            (r, key) => IsScheduleValue(r) && key.Contains("multiplier", StringComparison.OrdinalIgnoreCase) ? key : null),
    ];

    /// <summary>The files this plotter can write, in order.</summary>
    public static IReadOnlyList<string> FileNames => Charts.Select(c => c.FileName).ToList();

    // Schedules put their metrics into train records and, after each measurement, into records of kind "schedule".
    private static bool IsScheduleValue(MetricsRecord record) => record.Kind is "train" or "schedule";

    /// <summary>
    /// Writes every chart the metrics have data for into <paramref name="outputDirectory"/> (created if needed) and
    /// returns the paths written, in <see cref="FileNames"/> order; throws <see cref="FileNotFoundException"/> when
    /// <paramref name="metricsPath"/> does not exist.
    /// </summary>
    public static IReadOnlyList<string> Write(string metricsPath, string outputDirectory) =>
        Write(MetricsLog.Read(metricsPath), outputDirectory);

    public static IReadOnlyList<string> Write(MetricsLog log, string outputDirectory)
    {
        var axis = StageAxis.From(log.Records);
        var written = new List<string>();
        foreach (var chart in Charts)
        {
            var series = Collect(chart, log.Records, axis);
            if (series.Count == 0) continue;
            Directory.CreateDirectory(outputDirectory);
            string path = Path.Combine(outputDirectory, chart.FileName);
            Render(chart, series, axis, path);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Each legend entry's points by stage; a later record for
    /// the same stage and step (a resumed run repeating steps) replaces an earlier one.</summary>
    private static Dictionary<string, SortedDictionary<string, SortedDictionary<long, double>>> Collect(
        Chart chart, IReadOnlyList<MetricsRecord> records, StageAxis axis)
    {
        var series = new Dictionary<string, SortedDictionary<string, SortedDictionary<long, double>>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            foreach (var (key, value) in record.Values)
            {
                if (chart.SeriesName(record, key) is not { } name) continue;
                if (!series.TryGetValue(name, out var byStage)) series[name] = byStage = new(StringComparer.Ordinal);
                if (!byStage.TryGetValue(record.Stage, out var points)) byStage[record.Stage] = points = new();
                points[record.Step] = value * chart.Scale;
            }
        }
        return series;
    }

    /// <summary><c>optimizer step</c>, and where each stage lies when there are several: <c>pretrain 1-700, instruct 701-1200</c>.</summary>
    private static string XLabel(StageAxis axis) => axis.Stages.Count <= 1
        ? "optimizer step"
        : "optimizer step: " + string.Join(", ", axis.Stages.Select(s => $"{s.Stage} {s.Offset + 1}-{s.Offset + s.Steps}"));

    private static void Render(Chart chart, Dictionary<string, SortedDictionary<string, SortedDictionary<long, double>>> series,
        StageAxis axis, string path)
    {
        var plot = new Plot();
        try
        {
            plot.Title(chart.Title);
            plot.XLabel(XLabel(axis));
            plot.YLabel(chart.YLabel);
            var palette = new ScottPlotLibrary::ScottPlot.Palettes.Category10();
            int colorIndex = 0;
            // "overall" first, so it keeps the first colour and leads the legend; the rest in the order they appear.
            foreach (var (name, byStage) in series.OrderBy(s => s.Key == "overall" ? 0 : 1))
            {
                Color color = palette.GetColor(colorIndex++);
                bool labelled = false;
                var segments = byStage.Select(s => s.Value.Select(p => (X: axis.X(s.Key, p.Key), Y: p.Value)).ToList()).ToList();
                if (!chart.SplitByStage) segments = [segments.SelectMany(p => p).OrderBy(p => p.X).ToList()];
                foreach (var points in segments)
                {
                    double[] xs = points.Select(p => p.X).ToArray();
                    double[] ys = points.Select(p => p.Y).ToArray();
                    var scatter = plot.Add.Scatter(xs, ys, color);
                    scatter.LineWidth = name == "overall" ? 3 : 1.5f;
                    scatter.MarkerSize = points.Count <= 60 ? 6 : 0;
                    if (!labelled) scatter.LegendText = name;
                    labelled = true;
                }
            }
            foreach (var (_, offset, _) in axis.Stages.Skip(1))
            {
                var boundary = plot.Add.VerticalLine(offset);
                boundary.LinePattern = LinePattern.Dashed;
                boundary.Color = Colors.Gray;
            }
            plot.Axes.AutoScale();
            var (_, lastOffset, lastSteps) = axis.Stages[^1];
            plot.Axes.SetLimitsX(0, Math.Max(1, lastOffset + lastSteps) * 1.02);
            if (chart.Scale == 100) plot.Axes.SetLimitsY(-2, 102);
            plot.ShowLegend(Edge.Right);
            plot.SavePng(path, Width, Height);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
