namespace Pipeline.Host.Matrix;

/// <summary>
/// Summarises a matrix's results over repeats (<c>summary.over</c>): groups the cells by their labels on the other
/// axes, and gives each group its counts and, per metric, the mean and sample standard deviation over its finished
/// cells; with <c>summary.best</c>, keeps per group of the remaining axes the label of the best axis with the best mean.
/// </summary>
public static class MatrixSummaryTable
{
    /// <summary>One row per group of the axes not in <c>summary.over</c>, in order of the groups' first cells.</summary>
    public static IReadOnlyList<SummaryRow> Groups(MatrixResults results, SummarySettings settings)
    {
        var metrics = MatrixTable.Metrics(results);
        var grouped = results.Axes.Where(a => !settings.Over.Contains(a)).ToList();
        return results.Cells
            .GroupBy(cell => string.Join("\n", grouped.Select(axis => MatrixTable.Label(cell, axis))))
            .Select(group => Row(grouped.Select(axis => KeyValuePair.Create(axis, MatrixTable.Label(group.First(), axis))).ToList(), group.ToList(), metrics))
            .ToList();
    }

    /// <summary>
    /// Per group of the axes other than <c>summary.over</c> and the best axis, the group row whose best-axis label has
    /// the best mean of the best metric (ties: the first label in the axis's order), with <see cref="SummaryRow.Chosen"/>
    /// set; a group where no label has a mean keeps a row with no choice and no means, counting all its cells.
    /// </summary>
    public static IReadOnlyList<SummaryRow> Best(IReadOnlyList<SummaryRow> groups, BestLabelChoice best)
    {
        string Label(SummaryRow row) => row.Labels.First(l => l.Key == best.Axis).Value;
        int Order(SummaryRow row) => best.Labels.IndexOf(Label(row)) is var i and >= 0 ? i : int.MaxValue;
        var rows = new List<SummaryRow>();
        foreach (var arm in groups.GroupBy(row => string.Join("\n", row.Labels.Where(l => l.Key != best.Axis).Select(l => l.Value))))
        {
            var labels = arm.First().Labels.Where(l => l.Key != best.Axis).ToList();
            var candidates = arm.Where(row => row.Means.ContainsKey(best.Metric)).OrderBy(Order).ToList();
            SummaryRow? chosen = null;
            foreach (var candidate in candidates)
            {
                double mean = candidate.Means[best.Metric];
                if (chosen is null || (best.HigherIsBetter ? mean > chosen.Means[best.Metric] : mean < chosen.Means[best.Metric])) chosen = candidate;
            }
            rows.Add(chosen is null
                ? new SummaryRow(labels, arm.SelectMany(r => r.Cells).ToList(), new Dictionary<string, double>(), new Dictionary<string, double>())
                : chosen with { Labels = labels, Chosen = Label(chosen), Compared = candidates.Count });
        }
        return rows;
    }

    private static SummaryRow Row(IReadOnlyList<KeyValuePair<string, string>> labels, IReadOnlyList<CellResult> cells, IReadOnlyList<string> metrics)
    {
        var finished = cells.Where(c => c.Status == CellStatus.Finished).ToList();
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        var deviations = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string metric in metrics)
        {
            if (finished.Count == 0 || !finished.All(c => c.Metrics.ContainsKey(metric))) continue;
            var values = finished.Select(c => c.Metrics[metric]).ToList();
            means[metric] = values.Average();
            if (SampleDeviation(values) is { } deviation) deviations[metric] = deviation;
        }
        return new SummaryRow(labels, cells, means, deviations);
    }

    /// <summary>The sample standard deviation (divided by n - 1), or <c>null</c> for fewer than two values.</summary>
    public static double? SampleDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
