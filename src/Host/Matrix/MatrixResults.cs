namespace Pipeline.Host.Matrix;

/// <summary>Everything a matrix's result files show: the cells in matrix order, and the baseline comparison when one was asked for.</summary>
/// <param name="Name">The matrix's name (its file name without extension), used in titles.</param>
/// <param name="Axes">The axis names, in order.</param>
/// <param name="Categories">The evaluation categories found in any cell's results, sorted.</param>
/// <param name="Cells">One result per cell of the matrix, in matrix order (cells not run are <see cref="CellStatus.NotStarted"/>).</param>
/// <param name="Comparison">The comparison with a baseline, or <c>null</c> when none was given.</param>
public sealed record MatrixResults(
    string Name,
    IReadOnlyList<string> Axes,
    IReadOnlyList<string> Categories,
    IReadOnlyList<CellResult> Cells,
    BaselineComparison? Comparison);
