namespace Pipeline.Host.Matrix;

/// <summary>
/// The columns every results table of a matrix has (<c>results.csv</c>, <c>results.md</c>, <c>report.html</c>): the cell's
/// index and name, one column per axis, the metrics in <see cref="MatrixMetrics.InTableOrder"/> order followed by the
/// per-stage and steps-to-target columns, status and error.
/// </summary>
internal static class MatrixTable
{
    public const string IndexColumn = "index";
    public const string CellColumn = "cell";
    public const string StatusColumn = "status";
    public const string ErrorColumn = "error";

    /// <summary>The metric columns, in table order.</summary>
    public static IReadOnlyList<string> Metrics(MatrixResults results) =>
        [.. MatrixMetrics.InTableOrder(results.Categories), .. results.StageMetrics, .. results.TargetMetrics];

    /// <summary>Every column header, in order.</summary>
    public static IReadOnlyList<string> Headers(MatrixResults results) =>
        [IndexColumn, CellColumn, .. results.Axes, .. Metrics(results), StatusColumn, ErrorColumn];

    /// <summary>The cell's label on <paramref name="axis"/>, or empty when the cell has none.</summary>
    public static string Label(CellResult cell, string axis) =>
        cell.Values.FirstOrDefault(v => v.Key == axis).Value ?? "";

    /// <summary>The status as the tables write it: <c>finished</c>, <c>failed</c>, <c>interrupted</c> or <c>not_started</c>.</summary>
    public static string StatusName(CellStatus status) => status switch
    {
        CellStatus.NotStarted => "not_started",
        CellStatus.Interrupted => "interrupted",
        CellStatus.Failed => "failed",
        CellStatus.Finished => "finished",
        _ => status.ToString(),
    };
}
