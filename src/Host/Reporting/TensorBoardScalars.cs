namespace Pipeline.Host.Reporting;

/// <summary>
/// Turns a metrics record into TensorBoard scalars: every number of the record becomes a point of the curve
/// <c>KIND/NAME</c> (<c>train/loss</c>, <c>train/lr_llm</c>, <c>eval/accuracy_image</c>, <c>schedule/commit_kappa</c>),
/// evaluations on the <c>eval_samples</c> subset go to <c>eval_subset/NAME</c>, and the run-level <c>data</c> records to
/// <c>data/SPLIT/NAME</c> at step 0. The step is the run's global step (the numbering of checkpoints): the steps of the
/// stages before the record's stage plus the record's step, so a curve continues across stages.
/// </summary>
public sealed class TensorBoardScalars
{
    // Fields that say where a record belongs rather than what was measured.
    private static readonly HashSet<string> Labels = new(StringComparer.Ordinal) { "kind", "stage", "step", "subset", "split" };

    private readonly Dictionary<string, long> _stageOffsets = new(StringComparer.Ordinal);

    /// <param name="stages">Every stage of the run in order, with its optimizer steps.</param>
    public TensorBoardScalars(IEnumerable<(string Name, long Steps)> stages)
    {
        long offset = 0;
        foreach (var (name, steps) in stages)
        {
            _stageOffsets.Add(name, offset);
            offset += steps;
        }
    }

    /// <summary>The optimizer steps of the stages before <paramref name="stage"/>: its step 1 is global step this plus 1.</summary>
    /// <exception cref="ArgumentException">The run has no such stage.</exception>
    public long StepsBefore(string stage) => _stageOffsets.TryGetValue(stage, out long offset)
        ? offset
        : throw new ArgumentException($"a metrics record names stage '{stage}', which is not one of the run's stages ({string.Join(", ", _stageOffsets.Keys)})");

    /// <summary>The scalars of one record, in the record's field order; strings and flags are left out.</summary>
    public IReadOnlyList<TensorBoardScalar> Of(IReadOnlyDictionary<string, object> record)
    {
        if (record.GetValueOrDefault("kind") is not string kind) return [];
        string prefix = kind switch
        {
            "eval" when record.GetValueOrDefault("subset") is true => "eval_subset",
            "data" when record.GetValueOrDefault("split") is string split => $"data/{split}",
            _ => kind,
        };
        long step = record.GetValueOrDefault("step") is { } stepValue && Number(stepValue) is { } number ? (long)number : 0;
        if (record.GetValueOrDefault("stage") is string stage) step += StepsBefore(stage);
        var scalars = new List<TensorBoardScalar>();
        foreach (var (name, value) in record)
            if (!Labels.Contains(name) && Number(value) is { } scalar) scalars.Add(new TensorBoardScalar($"{prefix}/{name}", step, scalar));
        return scalars;
    }

    private static double? Number(object value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        _ => null,
    };
}
