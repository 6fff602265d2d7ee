namespace Pipeline.Host.Training;

/// <summary>
/// Sums the rows of the per-sample statistics an evaluation's batches report, per statistic over all samples and per
/// sample category, and gives their means under <see cref="SampleStatisticKeys"/>. A statistic's mean is over the
/// samples of the batches that reported it (an adapter reports in every batch, so that is every evaluated sample).
/// </summary>
public sealed class SampleStatisticTally
{
    private sealed class Sums(int columns)
    {
        public int Columns { get; } = columns;
        public double[] All { get; } = new double[columns];
        public int AllSamples { get; set; }
        public Dictionary<string, (double[] Sum, int Samples)> ByCategory { get; } = new(StringComparer.Ordinal);
    }

    private readonly Dictionary<string, Sums> _statistics = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds one batch's rows of statistic <paramref name="name"/>: <paramref name="rows"/> holds <c>B x K</c> values row by
    /// row, row <c>i</c> belonging to the sample of category <paramref name="categories"/>[i].
    /// </summary>
    /// <exception cref="InvalidOperationException">An earlier batch reported the statistic with another number of columns, or the values do not split into one equal row per sample.</exception>
    public void Add(string name, ReadOnlySpan<float> rows, IReadOnlyList<string> categories)
    {
        if (categories.Count == 0 || rows.Length % categories.Count != 0)
            throw new InvalidOperationException($"sample statistic '{name}' has {rows.Length} values for {categories.Count} samples; it needs the same number of columns for every sample");
        int columns = rows.Length / categories.Count;
        if (!_statistics.TryGetValue(name, out var sums)) _statistics[name] = sums = new Sums(columns);
        else if (sums.Columns != columns)
            throw new InvalidOperationException($"sample statistic '{name}' was reported with {sums.Columns} columns in one evaluation batch and {columns} in another");
        for (int i = 0; i < categories.Count; i++)
        {
            var (categorySum, samples) = sums.ByCategory.GetValueOrDefault(categories[i]);
            categorySum ??= new double[columns];
            for (int k = 0; k < columns; k++)
            {
                double value = rows[i * columns + k];
                sums.All[k] += value;
                categorySum[k] += value;
            }
            sums.ByCategory[categories[i]] = (categorySum, samples + 1);
            sums.AllSamples++;
        }
    }

    /// <summary>
    /// Every mean by its metrics key: per statistic in ordinal name order, its all-samples columns, then each category's
    /// in ordinal category order.
    /// </summary>
    /// <exception cref="InvalidOperationException">Two statistics' means would get the same key (names that only differ by a category suffix).</exception>
    public IReadOnlyDictionary<string, double> Means()
    {
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        void Put(string key, string owner, double value)
        {
            if (owners.TryGetValue(key, out string? other))
                throw new InvalidOperationException($"sample statistics {other} and {owner} both give the metrics key '{key}'; rename one of the statistics");
            owners[key] = owner;
            means[key] = value;
        }
        foreach (var (name, sums) in _statistics.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            for (int k = 0; k < sums.Columns; k++)
                Put(SampleStatisticKeys.AllSamples(name, k), $"'{name}' (all samples)", sums.All[k] / sums.AllSamples);
            foreach (var (category, (sum, samples)) in sums.ByCategory.OrderBy(c => c.Key, StringComparer.Ordinal))
                for (int k = 0; k < sums.Columns; k++)
                    Put(SampleStatisticKeys.ForCategory(name, category, k), $"'{name}' (category '{category}')", sum[k] / samples);
        }
        return means;
    }
}
