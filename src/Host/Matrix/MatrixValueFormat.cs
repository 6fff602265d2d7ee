using System.Globalization;

namespace Pipeline.Host.Matrix;

/// <summary>
/// How the results files write metric values: in full precision for <c>results.csv</c>, and readably for
/// <c>results.md</c> and <c>report.html</c> (accuracies in percent with one decimal, losses with four decimals, counts
/// and token rates with thousands separators, seconds with one decimal). Always in the invariant culture.
/// </summary>
internal static class MatrixValueFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private enum Unit { Fraction, Loss, Count, Seconds, Other }

    private static Unit UnitOf(string metric) => (MatrixMetrics.StageMetric(metric) ?? metric) switch
    {
        var name when name.StartsWith(MetricTarget.ColumnPrefix, StringComparison.Ordinal) => Unit.Count,
        MatrixMetrics.Accuracy => Unit.Fraction,
        var name when name.StartsWith(MatrixMetrics.AccuracyPrefix, StringComparison.Ordinal) => Unit.Fraction,
        MatrixMetrics.EvalLoss or MatrixMetrics.FinalLoss => Unit.Loss,
        MatrixMetrics.Steps or MatrixMetrics.TrainableParameters or MatrixMetrics.TokensPerSecond => Unit.Count,
        MatrixMetrics.WallSeconds => Unit.Seconds,
        _ => Unit.Other,
    };

    /// <summary>The shortest text that reads back as the same double (<c>0.725</c>, <c>1200</c>, <c>1E+20</c>).</summary>
    public static string Exact(double value) => value.ToString("R", Invariant);

    /// <summary>The value as a reader wants it: <c>72.5%</c>, <c>0.4137</c>, <c>1,204,224</c>, <c>93.4</c>.</summary>
    public static string Readable(string metric, double value) => UnitOf(metric) switch
    {
        Unit.Fraction => (value * 100).ToString("0.0", Invariant) + "%",
        Unit.Loss => value.ToString("0.0000", Invariant),
        Unit.Count => value.ToString("#,0", Invariant),
        Unit.Seconds => value.ToString("#,0.0", Invariant),
        _ => value.ToString("G6", Invariant),
    };

    /// <summary>A signed move of the metric in the readable unit: <c>-2.5 pt</c> (accuracy points), <c>+0.0123</c>, <c>+10</c>.</summary>
    public static string Move(string metric, double move) => UnitOf(metric) switch
    {
        Unit.Fraction => (move * 100).ToString("+0.0;-0.0;0.0", Invariant) + " pt",
        Unit.Loss => move.ToString("+0.0000;-0.0000;0.0000", Invariant),
        Unit.Count => move.ToString("+#,0;-#,0;0", Invariant),
        Unit.Seconds => move.ToString("+#,0.0;-#,0.0;0.0", Invariant),
        _ => move.ToString("+0.######;-0.######;0", Invariant),
    };

    /// <summary>Unsigned: the largest move a tolerance allows, in the readable unit (<c>2.0 pt</c>).</summary>
    public static string Allowed(string metric, double allowed) => Move(metric, allowed).TrimStart('+');

    /// <summary>How a direction reads in the baseline tables.</summary>
    public static string Direction(MetricDirection direction) => direction switch
    {
        MetricDirection.Higher => "higher is better",
        MetricDirection.Lower => "lower is better",
        _ => "must not move",
    };
}
