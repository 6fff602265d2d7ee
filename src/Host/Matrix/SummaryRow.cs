namespace Pipeline.Host.Matrix;

/// <summary>
/// One row of a matrix summary: a group of cells that differ only on the <c>summary.over</c> axes (the repeats), and
/// the mean and sample standard deviation of each metric over the group's finished cells.
/// </summary>
/// <param name="Labels">The group's label on each axis that is not averaged over, in axis order.</param>
/// <param name="Cells">The group's cells, in matrix order, whatever their status.</param>
/// <param name="Means">
/// Each metric's mean over the finished cells, present only when every finished cell has the metric (a cell without
/// it, a target it never reached, leaves the mean empty rather than averaging the others alone).
/// </param>
/// <param name="Deviations">Each metric's sample standard deviation (divided by n - 1), present where the mean is and n is at least 2.</param>
/// <param name="Chosen">In the best table, the label of <c>summary.best.axis</c> this row is; <c>null</c> elsewhere, and when no label had a mean.</param>
/// <param name="Compared">In the best table, how many labels of the best axis had a mean to compare; 0 elsewhere.</param>
public sealed record SummaryRow(
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<CellResult> Cells,
    IReadOnlyDictionary<string, double> Means,
    IReadOnlyDictionary<string, double> Deviations,
    string? Chosen = null,
    int Compared = 0)
{
    /// <summary>The cells averaged: those that finished.</summary>
    public int Finished => Cells.Count(c => c.Status == CellStatus.Finished);

    /// <summary>The cells that failed (never averaged in).</summary>
    public int Failed => Cells.Count(c => c.Status == CellStatus.Failed);

    /// <summary>The cells interrupted or not run (never averaged in).</summary>
    public int Unfinished => Cells.Count(c => c.Status is CellStatus.Interrupted or CellStatus.NotStarted);

    /// <summary>How many finished cells have <paramref name="metric"/> (for a target: how many reached it).</summary>
    public int Having(string metric) => Cells.Count(c => c.Status == CellStatus.Finished && c.Metrics.ContainsKey(metric));

    /// <summary>The group's name, <c>axis=label</c> pairs joined by commas (<c>adapter=lora,lr=1e-3</c>); <c>all</c> when every axis is averaged over.</summary>
    public string Name => Labels.Count == 0 ? "all" : string.Join(",", Labels.Select(l => $"{l.Key}={l.Value}"));
}
