namespace Pipeline.Host.Matrix;

/// <summary>The baseline check of each (cell, metric) a comparison holds, for marking table values.</summary>
internal sealed class BaselineMarks
{
    private readonly Dictionary<(string Cell, string Metric), MetricCheck> _checks = [];

    public BaselineMarks(BaselineComparison? comparison)
    {
        foreach (var check in comparison?.Checks ?? []) _checks[(check.Cell, check.Tolerance.Metric)] = check;
    }

    /// <summary>The check of <paramref name="metric"/> of <paramref name="cell"/>, or null when it was not compared.</summary>
    public MetricCheck? Check(string cell, string metric) => _checks.GetValueOrDefault((cell, metric));

    public BaselineMark Mark(string cell, string metric) => Check(cell, metric) switch
    {
        { Regressed: true } => BaselineMark.Regressed,
        { Improved: true } => BaselineMark.Improved,
        _ => BaselineMark.None,
    };
}
