namespace Pipeline.Host.Matrix;

/// <summary>A matrix's summary over repeats as the report page shows it: the settings, every group, and the best table when asked for.</summary>
/// <param name="Settings">The matrix's <c>summary</c>.</param>
/// <param name="Groups">One row per group (<see cref="MatrixSummaryTable.Groups"/>).</param>
/// <param name="Best">One row per group of the remaining axes at its best label (<see cref="MatrixSummaryTable.Best"/>), or <c>null</c> without <c>summary.best</c>.</param>
internal sealed record MatrixSummaryReport(SummarySettings Settings, IReadOnlyList<SummaryRow> Groups, IReadOnlyList<SummaryRow>? Best);
