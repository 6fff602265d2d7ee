using Pipeline.Host.Config;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Switches a model loaded from a checkpoint to the adapters that ran at that checkpoint (<see cref="AdapterActivity"/>):
/// a checkpoint written before the first stage that trains an adapter holds that adapter untrained, and the model it was
/// evaluated as during training did not run it.
/// </summary>
public static class CheckpointAdapterActivity
{
    /// <summary>
    /// Reads the stage of the checkpoint in <paramref name="directory"/> and switches the adapters of
    /// <paramref name="built"/> as that stage ran them; returns the names switched off. A directory with weights but no
    /// trainer state (not written by training) leaves every adapter on.
    /// </summary>
    public static IReadOnlyList<string> Apply(BuiltModel built, IReadOnlyList<StageConfig> stages, string directory) =>
        StageIndex(directory, stages.Count) is { } stage
            ? new AdapterActivity(stages, built.Adapters.Select(a => a.Name)).Apply(built.Model, stage)
            : [];

    /// <summary>The stage the checkpoint was written in (clamped to the pipeline's last stage); <c>null</c> without a trainer state.</summary>
    public static int? StageIndex(string directory, int stageCount)
    {
        string statePath = Path.Combine(directory, CheckpointStore.StateFileName);
        if (!File.Exists(statePath)) return null;
        var state = TrainerState.Parse(File.ReadAllBytes(statePath), statePath);
        return Math.Min(state.StageIndex, Math.Max(0, stageCount - 1));
    }
}
