using Pipeline.Contracts.Options;

namespace Pipeline.Host.Config;

/// <summary>
/// When checkpoints are written and how many are kept (YAML <c>run.checkpoint</c>). The layout, what a checkpoint
/// holds and how a run resumes are described in <c>docs/CHECKPOINTS.md</c>.
/// </summary>
public sealed record CheckpointOptions : IValidatableOptions
{
    /// <summary>Whether the run writes checkpoints at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Write a checkpoint every this many optimizer steps of a stage (counted within the stage); 0 writes none mid-stage.</summary>
    public int Every { get; init; } = 100;

    /// <summary>Write a checkpoint when a stage ends, after its final evaluation.</summary>
    public bool AtStageEnd { get; init; } = true;

    /// <summary>Complete checkpoints kept on disk; older ones are deleted once a newer one is complete.</summary>
    public int KeepLast { get; init; } = 3;

    public IEnumerable<OptionError> Validate()
    {
        if (Every < 0) yield return new("every", $"must not be negative, got {Every}");
        if (KeepLast < 1) yield return new("keep_last", $"must be at least 1, got {KeepLast}");
    }
}
