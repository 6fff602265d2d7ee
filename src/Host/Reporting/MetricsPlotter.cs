namespace Pipeline.Host.Reporting;

/// <summary>
/// Draws PNG charts of a run from its <c>metrics.jsonl</c> alone, so any run, finished, stopped or from another
/// machine, can be plotted: training loss per stage with the held-out loss, held-out accuracy (overall and per
/// category), learning rate per parameter group, and, when a schedule logged them (CoMMIT), kappa / kbar and the
/// per-group multipliers. Stages are laid end to end on one step axis (<see cref="StageAxis"/>), split by dashed lines.
/// A chart whose values are absent from the file is not written.
/// </summary>
/// <remarks>
/// Values that restart with each stage (training loss, learning rates, schedule values) are drawn as one line per
/// stage. Evaluations are one curve across all stages. When some evaluations used a fixed subset of the held-out split
/// (<c>"subset": true</c>, <c>stages[].eval_samples</c>), the subset evaluations make the curve and those on the whole
/// split (at stage ends) are drawn as square points of the same colour, since the two are measured on different samples.
/// </remarks>
public static class MetricsPlotter
{
    public const int Width = 1000;
    public const int Height = 560;

    /// <summary>The accuracy chart's series of all categories together.</summary>
    public const string Overall = "overall";

    /// <summary>The loss chart's series of evaluation losses.</summary>
    public const string HeldOutLoss = "held-out";

    /// <summary>A chart: which records and fields it draws, and how each field is named in the legend.</summary>
    /// <param name="SeriesName">The series a field of a record belongs to, or null when the chart does not draw it.</param>
    private sealed record Chart(string FileName, string Title, string YLabel, Func<MetricsRecord, string, string?> SeriesName, bool Percent = false);

    private static readonly Chart[] Definitions =
    [
        new("loss.png", "Training loss and held-out loss", "loss",
            (r, key) => r.Kind == "train" && key == "loss" ? r.Stage : r.Kind == "eval" && key == "eval_loss" ? HeldOutLoss : null),
        new("accuracy.png", "Held-out exact-match accuracy", "accuracy (%)",
            (r, key) => r.Kind != "eval" ? null : key == "accuracy" ? Overall : key.StartsWith("accuracy_", StringComparison.Ordinal) ? key["accuracy_".Length..] : null,
            Percent: true),
        new("learning_rate.png", "Learning rate by parameter group", "learning rate",
            (r, key) => r.Kind == "train" && key.StartsWith("lr_", StringComparison.Ordinal) ? key["lr_".Length..] : null),
        new("kappa.png", "Schedule balance: kappa and its moving average kbar", "kappa",
            (r, key) => IsScheduleValue(r) && (key.Contains("kappa", StringComparison.OrdinalIgnoreCase) || key.Contains("kbar", StringComparison.OrdinalIgnoreCase)) ? key : null),
        new("multipliers.png", "Schedule learning-rate multipliers", "multiplier",
            (r, key) => IsScheduleValue(r) && key.Contains("multiplier", StringComparison.OrdinalIgnoreCase) ? key : null),
    ];

    /// <summary>The files this plotter can write, in order.</summary>
    public static IReadOnlyList<string> FileNames => Definitions.Select(c => c.FileName).ToList();

    // Schedules put their metrics into train records and, after each measurement, into records of kind "schedule".
    private static bool IsScheduleValue(MetricsRecord record) => record.Kind is "train" or "schedule";

    /// <summary>Where a point comes from: a value that restarts with each stage, or an evaluation on the whole held-out
    /// split or on a fixed subset of it.</summary>
    private enum Source { Stage, WholeSplit, Subset }

    /// <summary>
    /// Writes every chart the metrics have data for into <paramref name="outputDirectory"/> (created if needed) and
    /// returns the paths written, in <see cref="FileNames"/> order; throws <see cref="FileNotFoundException"/> when
    /// <paramref name="metricsPath"/> does not exist.
    /// </summary>
    public static IReadOnlyList<string> Write(string metricsPath, string outputDirectory) =>
        Write(MetricsLog.Read(metricsPath), outputDirectory);

    /// <inheritdoc cref="Write(string, string)"/>
    public static IReadOnlyList<string> Write(MetricsLog log, string outputDirectory)
    {
        var written = new List<string>();
        foreach (var chart in ChartsOf(log))
        {
            Directory.CreateDirectory(outputDirectory);
            string path = Path.Combine(outputDirectory, chart.FileName);
            ChartRenderer.Render(chart, path, Width, Height);
            written.Add(path);
        }
        return written;
    }

    /// <summary>The charts <paramref name="log"/> has data for, in <see cref="FileNames"/> order, with their series.</summary>
    public static IReadOnlyList<ChartData> ChartsOf(MetricsLog log)
    {
        var axis = StageAxis.From(log.Records);
        return Definitions
            .Select(chart => new ChartData(chart.FileName, chart.Title, chart.YLabel, chart.Percent, axis, Collect(chart, log.Records, axis)))
            .Where(chart => chart.Series.Count > 0)
            .ToList();
    }

    /// <summary>
    /// The chart's series: <c>overall</c> first, then names from per-stage values, then names from evaluations, each
    /// group in order of first appearance. A later record for the same stage and step (a resumed run repeating steps)
    /// replaces an earlier one.
    /// </summary>
    private static List<ChartSeries> Collect(Chart chart, IReadOnlyList<MetricsRecord> records, StageAxis axis)
    {
        var names = new List<string>();
        var points = new Dictionary<(string Name, Source Source, string Stage), SortedDictionary<long, double>>();
        foreach (var record in records)
        {
            var source = record.Kind != "eval" ? Source.Stage
                : record.Values.GetValueOrDefault("subset") == 1 ? Source.Subset : Source.WholeSplit;
            foreach (var (key, value) in record.Values)
            {
                if (chart.SeriesName(record, key) is not { } name) continue;
                if (!names.Contains(name)) names.Add(name);
                if (!points.TryGetValue((name, source, record.Stage), out var byStep)) points[(name, source, record.Stage)] = byStep = new();
                byStep[record.Step] = chart.Percent ? value * 100 : value;
            }
        }

        List<(double X, double Y)> Across(string name, Source source) => axis.Stages
            .Where(s => points.ContainsKey((name, source, s.Stage)))
            .SelectMany(s => points[(name, source, s.Stage)].Select(p => (X: axis.X(s.Stage, p.Key), Y: p.Value)))
            .OrderBy(p => p.X)
            .ToList();

        var series = new List<ChartSeries>();
        bool wholeSplitListed = false;
        bool HasStageValues(string name) => points.Keys.Any(k => k.Name == name && k.Source == Source.Stage);
        foreach (string name in names.OrderBy(n => n == Overall ? 0 : HasStageValues(n) ? 1 : 2))
        {
            bool listed = false;
            string? Legend(string text)
            {
                if (listed) return null;
                listed = true;
                return text;
            }
            foreach (var (stage, _, _) in axis.Stages)
                if (points.TryGetValue((name, Source.Stage, stage), out var byStep))
                    series.Add(new ChartSeries(name, Legend(name), SeriesStyle.Line, byStep.Select(p => (axis.X(stage, p.Key), p.Value)).ToList()));
            var subset = Across(name, Source.Subset);
            var whole = Across(name, Source.WholeSplit);
            if (subset.Count > 0) series.Add(new ChartSeries(name, Legend(name), SeriesStyle.Line, subset));
            if (whole.Count == 0) continue;
            if (subset.Count == 0) series.Add(new ChartSeries(name, Legend(name), SeriesStyle.Line, whole));
            else
            {
                // One legend entry explains the squares of every series; they share their curve's colour.
                series.Add(new ChartSeries(name, wholeSplitListed ? null : $"{name}, whole split", SeriesStyle.Points, whole));
                wholeSplitListed = true;
            }
        }
        return series;
    }
}
