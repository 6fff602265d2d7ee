namespace Pipeline.Host.Reporting;

/// <summary>
/// One step axis for a whole run: stages laid end to end in the order they first appear, each offset by the steps of
/// the stages before it, so a stage's step <c>s</c> is plotted at <c>offset + s</c>.
/// </summary>
public sealed class StageAxis
{
    private readonly Dictionary<string, long> _offsets;

    private StageAxis(IReadOnlyList<(string Stage, long Offset, long Steps)> stages)
    {
        Stages = stages;
        _offsets = stages.ToDictionary(s => s.Stage, s => s.Offset, StringComparer.Ordinal);
    }

    /// <summary>Each stage with its offset and length (its largest step in the records).</summary>
    public IReadOnlyList<(string Stage, long Offset, long Steps)> Stages { get; }

    public static StageAxis From(IEnumerable<MetricsRecord> records)
    {
        var order = new List<string>();
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!lengths.TryGetValue(record.Stage, out long length)) order.Add(record.Stage);
            lengths[record.Stage] = Math.Max(length, record.Step);
        }
        var stages = new List<(string, long, long)>();
        long offset = 0;
        foreach (string stage in order)
        {
            stages.Add((stage, offset, lengths[stage]));
            offset += lengths[stage];
        }
        return new StageAxis(stages);
    }

    /// <summary>
    /// One axis for several runs drawn together: their stages when every run has the same ones, of the same lengths;
    /// otherwise a single unnamed stage as long as the longest run, since no stage boundary holds for all of them.
    /// </summary>
    public static StageAxis Shared(IReadOnlyCollection<StageAxis> axes)
    {
        if (axes.Count == 0) return new StageAxis([]);
        var first = axes.First().Stages;
        if (axes.All(axis => axis.Stages.SequenceEqual(first))) return new StageAxis(first);
        long longest = axes.Max(axis => axis.Stages.Count == 0 ? 0 : axis.Stages[^1].Offset + axis.Stages[^1].Steps);
        return new StageAxis([("", 0, longest)]);
    }

    /// <summary>Where step <paramref name="step"/> of <paramref name="stage"/> lies on the run's axis.</summary>
    public double X(string stage, long step) => _offsets[stage] + step;
}
