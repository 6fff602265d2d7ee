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

    /// <summary>Where step <paramref name="step"/> of <paramref name="stage"/> lies on the run's axis.</summary>
    public double X(string stage, long step) => _offsets[stage] + step;
}
