using Pipeline.Contracts.Options;

namespace Pipeline.Host.Config;

/// <summary>Run-wide settings (YAML <c>run</c>).</summary>
public sealed record RunOptions : IValidatableOptions
{
    /// <summary>Directory for metrics and results, relative to the YAML file's folder unless absolute.</summary>
    public string OutputDir { get; init; } = "runs/default";

    /// <summary>Seed for initialisation, data order and dropout.</summary>
    public long Seed { get; init; } = 1;

    /// <summary><c>auto</c> (CUDA when TorchSharp reports it, else CPU), <c>cpu</c> or <c>cuda</c>.</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>Write a training metrics line every this many optimizer steps.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>
    /// Also write every metrics record as TensorBoard scalars to <c>tensorboard/</c> in the output directory (one
    /// TensorBoard run per training run); changes no number of the run.
    /// </summary>
    public bool Tensorboard { get; init; } = true;

    /// <summary>Intra-op threads for TorchSharp; 0 keeps its default.</summary>
    public int Threads { get; init; }

    /// <summary>When checkpoints are written and how many are kept.</summary>
    public CheckpointOptions Checkpoint { get; init; } = new();

    /// <summary><c>stop</c> (default) or <c>skip</c>: what a step with a non-finite loss or gradient norm does.</summary>
    public NonFiniteAction OnNonFinite { get; init; } = NonFiniteAction.Stop;

    /// <summary>With <c>on_non_finite: skip</c>, stop anyway after this many skipped steps in a row.</summary>
    public int MaxConsecutiveSkips { get; init; } = 5;

    public IEnumerable<OptionError> Validate()
    {
        if (MaxConsecutiveSkips < 1) yield return new("max_consecutive_skips", $"must be at least 1, got {MaxConsecutiveSkips}");
    }
}
