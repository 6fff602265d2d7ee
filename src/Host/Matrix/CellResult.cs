namespace Pipeline.Host.Matrix;

/// <summary>One row of a matrix's results: the cell, the values it varied, how it ended and what it measured.</summary>
/// <param name="Index">The cell's position in the matrix (0-based; the array index of a Slurm or Kubernetes task).</param>
/// <param name="Name">The cell's name, <c>axis=label</c> pairs joined by commas in axis order: <c>adapter=lora,schedule=commit</c>.</param>
/// <param name="Values">The label of each axis, in axis order.</param>
/// <param name="Status">How the cell ended.</param>
/// <param name="Error">The error of a failed cell; <c>null</c> otherwise.</param>
/// <param name="Metrics">
/// What the cell measured, by metric name (see <see cref="MatrixMetrics"/>): <c>accuracy</c> and <c>accuracy_CATEGORY</c>
/// (held-out, last stage's final evaluation, 0-1), <c>eval_loss</c>, <c>final_loss</c> (last stage's last training loss),
/// <c>steps</c> (all stages), <c>trainable_parameters</c> (of the stage the accuracy comes from, else the last), <c>wall_seconds</c> and
/// <c>tokens_per_second</c> (mean over the run's training records). A metric the run did not produce is absent.
/// </param>
/// <param name="RunDirectory">The cell's run directory (its <c>run.output_dir</c>).</param>
public sealed record CellResult(
    int Index,
    string Name,
    IReadOnlyList<KeyValuePair<string, string>> Values,
    CellStatus Status,
    string? Error,
    IReadOnlyDictionary<string, double> Metrics,
    string RunDirectory);
