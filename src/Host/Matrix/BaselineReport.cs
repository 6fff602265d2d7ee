using System.Globalization;

namespace Pipeline.Host.Matrix;

/// <summary>The lines a baseline comparison prints: every regression and missing cell or metric, then a summary.</summary>
public static class BaselineReport
{
    public static IReadOnlyList<string> Lines(BaselineComparison comparison)
    {
        var lines = new List<string>();
        foreach (var check in comparison.Regressions)
            lines.Add($"regression: cell {check.Cell}: {check.Tolerance.Metric} {Number(check.Measured)}, baseline {Number(check.Baseline)}: {Rule(check)}");
        foreach (string cell in comparison.MissingFromResults)
            lines.Add($"missing: cell {cell} is in the baseline but has no finished result now");
        foreach (string cell in comparison.MissingFromBaseline)
            lines.Add($"missing: cell {cell} finished but is not in the baseline (write a new one with --write-baseline)");
        foreach (var (cell, metric) in comparison.MissingMetrics)
            lines.Add($"missing: cell {cell}: metric {metric}");
        int regressions = comparison.Regressions.Count();
        int improvements = comparison.Checks.Count(c => c.Improved);
        int cells = comparison.Checks.Select(c => c.Cell).Distinct().Count();
        lines.Add($"baseline {comparison.BaselinePath}: {comparison.Checks.Count} metrics of {cells} cells compared; " +
            $"{regressions} regression{(regressions == 1 ? "" : "s")}, {improvements} improvement{(improvements == 1 ? "" : "s")}" +
            (comparison.MissingFromResults.Count + comparison.MissingFromBaseline.Count + comparison.MissingMetrics.Count > 0 ? ", something missing" : "") +
            $": {(comparison.Passed ? "passed" : "FAILED")}");
        return lines;
    }

    /// <summary>The rule a check broke, in words: "may fall by at most 0.02", "may rise by at most 10% (0.0174)".</summary>
    public static string Rule(MetricCheck check)
    {
        string allowed = check.Tolerance.Relative > 0
            ? $"{check.Tolerance.Describe()} ({Number(check.Tolerance.AllowedMove(check.Baseline))})"
            : check.Tolerance.Describe();
        return check.Tolerance.Direction switch
        {
            MetricDirection.Higher => $"fell by {Number(-check.Change)}, may fall by at most {allowed}",
            MetricDirection.Lower => $"rose by {Number(check.Change)}, may rise by at most {allowed}",
            _ => $"moved by {Number(check.Change)}, may move by at most {allowed}",
        };
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
