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
    BaselineComparison? Comparison)
{
    /// <summary>The per-stage evaluation columns found in any cell (<c>pretrain.accuracy</c>, <c>pretrain.accuracy_text</c>,
    /// <c>pretrain.eval_loss</c>, then the next stage's), in stage order; they follow the fixed metrics in every table.</summary>
    public IReadOnlyList<string> StageMetrics { get; init; } = [];

    /// <summary>The steps-to-target columns (<c>steps_to_accuracy_0.8</c>), in the order of <c>summary.targets</c>; last among the metrics.</summary>
    public IReadOnlyList<string> TargetMetrics { get; init; } = [];

    /// <summary>How the results are summarised over repeats, or <c>null</c> when the matrix has no <c>summary</c>.</summary>
    public SummarySettings? Summary { get; init; }
}
