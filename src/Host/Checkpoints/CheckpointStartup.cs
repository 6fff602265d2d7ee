using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// What <c>train</c> checks about the output directory before it touches anything. A fresh run refuses a directory
/// whose checkpoints folder has a <c>latest</c>; a resumed run needs one, whose files pass
/// <see cref="CheckpointIntegrity"/>, and a configuration whose fingerprint matches the checkpoint's. The leftovers of
/// an interrupted run are removed (<see cref="RemoveLeftovers"/>) only after every check of the run has passed, the
/// data's and the model's included.
/// </summary>
public static class CheckpointStartup
{
    /// <summary>Differences listed in a refusal before "and N more".</summary>
    public const int MaxDifferencesShown = 8;

    /// <summary>
    /// For a fresh run (<paramref name="resume"/> false) returns <c>null</c>; for a resumed run, the checkpoint
    /// <c>latest</c> names. Throws <see cref="InvalidOperationException"/> with what to do instead when the run may
    /// not start, before anything in the output directory changes.
    /// </summary>
    public static ResumePoint? Prepare(PipelineDefinition definition, bool resume, Action<string> log, TransientFileRetry? retry = null)
    {
        string output = definition.OutputDirectory;
        var store = new CheckpointStore(CheckpointLocation.Folder(output), retry);
        string? latest;
        try
        {
            latest = store.Latest();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException(resume
                ? $"cannot resume: {e.Message}; nothing was changed. {Alternatives(store, latest: null)}"
                : $"run.output_dir '{output}' holds a checkpoints folder with a broken 'latest' ({e.Message}); nothing was changed. " +
                  "Fix or delete it, or choose another run.output_dir", e);
        }

        if (!resume)
        {
            if (latest is not null)
                throw new InvalidOperationException($"run.output_dir '{output}' already holds checkpoints of a run (latest: {latest}); nothing was changed. " +
                    $"To continue that run: pipeline train {definition.Document.Path} --resume. To start a new one, choose another run.output_dir " +
                    $"(for example --set run.output_dir=...) or delete {store.Folder}");
            return null;
        }

        if (latest is null)
            throw new InvalidOperationException($"nothing to resume: {store.Folder} holds no checkpoint (it has no '{CheckpointLocation.LatestFileName}' file). " +
                $"Run without --resume to start training into {output}");
        ResumePoint point;
        try
        {
            point = ResumePoint.Load(store.PathOf(latest), retry);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot resume from {latest}: {e.Message.TrimEnd('.')}. Nothing was changed. {Alternatives(store, latest)}", e);
        }
        var now = ConfigFingerprint.Of(definition);
        if (now.Hash != point.State.ConfigFingerprint)
        {
            var differences = now.DifferencesFrom(ConfigFingerprint.FromValues(point.State.Config));
            string shown = string.Join("; ", differences.Take(MaxDifferencesShown)) +
                (differences.Count > MaxDifferencesShown ? $"; and {differences.Count - MaxDifferencesShown} more" : "");
            throw new InvalidOperationException($"cannot resume from {latest}: the training configuration differs from the one it was written with " +
                $"(fingerprint {point.State.ConfigFingerprint[..12]}, now {now.Hash[..12]}): {(differences.Count > 0 ? shown : "the same keys, hashed differently")}. " +
                "Resume with the original configuration (same YAML and --set overrides), or start a new run in another run.output_dir");
        }
        // The fingerprint does not cover where in the stages the checkpoint stands: a hand-edited stage_index or
        // stage_name would otherwise skip stages and still end "complete".
        var stages = definition.Config.Stages;
        var state = point.State;
        if (state.StageIndex >= stages.Count || state.StageName != stages[state.StageIndex].Name)
            throw new InvalidOperationException($"cannot resume from {latest}: it says it was written in stage {state.StageIndex} '{state.StageName}', " +
                $"but the pipeline's stages are {string.Join(", ", stages.Select((s, i) => $"{i} '{s.Name}'"))}; its trainer_state.json is damaged. " +
                $"Nothing was changed. {Alternatives(store, latest)}");
        return point;
    }

    /// <summary>
    /// Removes what an interrupted run left in the checkpoints folder (for a resumed run, also checkpoints newer than
    /// the one it resumes from). Call it when every check has passed, as the run starts writing.
    /// </summary>
    public static void RemoveLeftovers(PipelineDefinition definition, ResumePoint? resume, Action<string> log, TransientFileRetry? retry = null)
    {
        var store = new CheckpointStore(CheckpointLocation.Folder(definition.OutputDirectory), retry);
        var removed = store.RemoveLeftovers(keep: resume?.Name);
        if (removed.Count > 0) log($"removed what an interrupted run left in {store.Folder}: {string.Join(", ", removed)}");
    }

    /// <summary>What to do when the checkpoint <c>latest</c> names cannot be resumed: point it at an earlier complete one, if any is kept.</summary>
    private static string Alternatives(CheckpointStore store, string? latest)
    {
        long latestStep = latest is not null && CheckpointStore.TryParseStep(latest, out long step) ? step : long.MaxValue;
        var earlier = store.Checkpoints().Where(name => CheckpointStore.TryParseStep(name, out long s) && s < latestStep).ToList();
        string pointer = Path.Combine(store.Folder, CheckpointLocation.LatestFileName);
        return earlier.Count > 0
            ? $"To resume from an earlier checkpoint, write its name into {pointer} (kept: {string.Join(", ", earlier)}); " +
              "the resumed run then deletes the ones after it"
            : "No earlier checkpoint is kept: start a new run in another run.output_dir";
    }
}
