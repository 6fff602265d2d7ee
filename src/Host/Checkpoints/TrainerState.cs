using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Host.Training;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Everything of a checkpoint that is not a tensor, stored as <c>trainer_state.json</c>: where the run stands, the
/// data order, the metrics window, the schedule's and the random generator's state, the optimizer's step counts and
/// the configuration it was trained with. Tensors live in <c>model.safetensors</c> and <c>optimizer.safetensors</c>.
/// </summary>
public sealed record TrainerState
{
    /// <summary>The format this host writes; a checkpoint with another one is refused.</summary>
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    /// <summary>The file format version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The checkpoint's directory name.</summary>
    public required string Name { get; init; }

    /// <summary>Optimizer steps of the whole run so far (all stages).</summary>
    public required long GlobalStep { get; init; }

    /// <summary>The stage the checkpoint was taken in, from 0.</summary>
    public required int StageIndex { get; init; }

    /// <summary>That stage's name.</summary>
    public required string StageName { get; init; }

    /// <summary>Optimizer steps done in that stage.</summary>
    public required long Step { get; init; }

    /// <summary>Optimizer steps the stage takes in all.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>
    /// Whether the stage is finished (final evaluation included): a resumed run starts with the next stage, and the
    /// checkpoint holds no optimizer, schedule or data-order state.
    /// </summary>
    public required bool StageComplete { get; init; }

    /// <summary>The summaries of the finished stages, for <c>summary.json</c> of a resumed run.</summary>
    public required IReadOnlyList<StageSummary> CompletedStages { get; init; }

    /// <summary>The stage's data order: permutations drawn and position in the last one (mid-stage only).</summary>
    public SampleOrderState? SampleOrder { get; init; }

    /// <summary>The stage's counters and metrics window (mid-stage only).</summary>
    public StageProgress? Progress { get; init; }

    /// <summary>What the schedule's <c>SaveState</c> returned (mid-stage only).</summary>
    public IReadOnlyDictionary<string, double> ScheduleState { get; init; } = new Dictionary<string, double>();

    /// <summary>AdamW's step count per parameter (mid-stage only); the moments are in <c>optimizer.safetensors</c>.</summary>
    public IReadOnlyDictionary<string, long> OptimizerSteps { get; init; } = new Dictionary<string, long>();

    /// <summary>The torch CPU generator's state (<c>torch.get_rng_state()</c>), base64.</summary>
    public required string TorchRngState { get; init; }

    /// <summary>
    /// Parameters that hold a (zeroed) gradient tensor. AdamW steps a parameter whose gradient exists even if it is
    /// zero, and skips one without; a resumed run recreates them so it steps exactly the same parameters.
    /// </summary>
    public required IReadOnlyList<string> ParametersWithGradients { get; init; }

    /// <summary>Length of <c>metrics.jsonl</c> in bytes when the checkpoint was written; a resumed run cuts the file there.</summary>
    public required long MetricsBytes { get; init; }

    /// <summary>The training-relevant configuration, flattened (<see cref="ConfigFingerprint"/>).</summary>
    public required IReadOnlyDictionary<string, string> Config { get; init; }

    /// <summary>The SHA-256 of <see cref="Config"/>.</summary>
    public required string ConfigFingerprint { get; init; }

    /// <summary>
    /// The content of the data the run was trained on (<see cref="DataFingerprint"/>); <c>null</c> in checkpoints written
    /// before it was recorded, whose data a resumed run cannot compare (docs/CHECKPOINTS.md says what is still checked).
    /// Adding it kept <see cref="CurrentFormat"/>: older hosts ignore the key.
    /// </summary>
    public DataFingerprint? Data { get; init; }

    /// <summary>When the checkpoint was written.</summary>
    public DateTime WrittenAtUtc { get; init; } = DateTime.UtcNow;

    /// <summary>The JSON text.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses <c>trainer_state.json</c>; throws <see cref="InvalidDataException"/> naming <paramref name="path"/>.</summary>
    public static TrainerState Parse(byte[] json, string path)
    {
        TrainerState? state;
        try
        {
            state = JsonSerializer.Deserialize<TrainerState>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid trainer state: {e.Message}", e);
        }
        if (state is null) throw new InvalidDataException($"'{path}' is not a valid trainer state: it is null");
        if (state.Format != CurrentFormat)
            throw new InvalidDataException($"'{path}' has checkpoint format {state.Format}; this host reads format {CurrentFormat}" +
                (state.Format > CurrentFormat ? " (the checkpoint was written by a newer version of the host: use that version)" : ""));
        if (!IsBase64(state.TorchRngState))
            throw new InvalidDataException($"'{path}' is not a valid trainer state: torch_rng_state is not base64");
        if (!state.StageComplete && (state.SampleOrder is null || state.Progress is null))
            throw new InvalidDataException($"'{path}' is a mid-stage checkpoint without sample_order or progress");
        if (OutOfRange(state) is { } problem) throw new InvalidDataException($"'{path}' is not a valid trainer state: {problem}");
        return state;
    }

    /// <summary>The first counter no run writes (a negative length, a step past the stage's end, a position past the data), or <c>null</c>.</summary>
    private static string? OutOfRange(TrainerState state)
    {
        if (state.MetricsBytes < 0) return $"metrics_bytes is {state.MetricsBytes}";
        if (state.GlobalStep < 0 || state.StageIndex < 0) return $"global_step {state.GlobalStep} or stage_index {state.StageIndex} is negative";
        if (state.Step < 0 || state.Step > state.TotalSteps) return $"step {state.Step} is not within the stage's {state.TotalSteps} steps";
        if (state.SampleOrder is { } order && (order.Count < 1 || order.Epochs < 0 || order.Position < 0 || order.Position > order.Count
                                            || (order.Epochs == 0 && order.Position != 0)))
            return $"sample_order (count {order.Count}, epochs {order.Epochs}, position {order.Position}) is not a position in the data";
        return null;
    }

    private static bool IsBase64(string? text) =>
        text is not null && Convert.TryFromBase64String(text, new byte[text.Length], out _);
}

/// <summary>Where a <see cref="Training.SampleOrder"/> stands: its size and seed, permutations drawn and position in the last.</summary>
public sealed record SampleOrderState(int Count, long Seed, int Epochs, int Position);
