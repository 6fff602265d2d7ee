namespace Pipeline.Host.Matrix;

/// <summary>
/// The columns of <c>summary.csv</c> and <c>summary-best.csv</c>: the group's labels, in the best table the chosen
/// label and how many labels were compared, the counts <c>n</c>, <c>n_failed</c> and <c>n_unfinished</c>, then per metric
/// <c>METRIC_mean</c> and <c>METRIC_std</c> (and <c>METRIC_reached</c> for a steps-to-target column).
/// </summary>
internal static class MatrixSummaryColumns
{
    public const string Finished = "n";
    public const string Failed = "n_failed";
    public const string Unfinished = "n_unfinished";
    public const string Compared = "compared";
    public const string MeanSuffix = "_mean";
    public const string DeviationSuffix = "_std";
    public const string ReachedSuffix = "_reached";

    /// <summary>The axes a summary row is labelled by: every axis not averaged over (and, in the best table, not the best axis).</summary>
    public static IReadOnlyList<string> LabelAxes(MatrixResults results, SummarySettings settings, bool best) =>
        results.Axes.Where(a => !settings.Over.Contains(a) && !(best && settings.Best?.Axis == a)).ToList();

    /// <summary>Whether <paramref name="metric"/> is a steps-to-target column, which also counts the cells that reached it.</summary>
    public static bool IsTarget(string metric) => metric.StartsWith(MetricTarget.ColumnPrefix, StringComparison.Ordinal);

    /// <summary>Every header, in order.</summary>
    public static IReadOnlyList<string> Headers(MatrixResults results, SummarySettings settings, bool best) =>
    [
        .. LabelAxes(results, settings, best),
        .. best ? [settings.Best!.Axis, Compared] : Array.Empty<string>(),
        Finished, Failed, Unfinished,
        .. MatrixTable.Metrics(results).SelectMany(m => IsTarget(m)
            ? new[] { m + MeanSuffix, m + DeviationSuffix, m + ReachedSuffix }
            : [m + MeanSuffix, m + DeviationSuffix]),
    ];
}
