using Pipeline.Host.Config;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// What a resumed run checks once its data is read and checked and its model built, before it writes anything: that
/// the data is the data the checkpoint was trained on (<see cref="DataFingerprint"/>) and that <c>metrics.jsonl</c> can
/// be cut back to the checkpoint. (What needs no data or model, <see cref="ResumePoint.Load"/> has checked; whether the
/// weights fit the model, <see cref="ResumePoint.LoadWeights"/> checks.)
/// </summary>
public static class ResumeChecks
{
    /// <summary>
    /// Refuses, before anything is written, a resume whose data differs from the checkpoint's
    /// (<see cref="DataFingerprint"/>). A checkpoint written before data fingerprints were recorded is compared as far
    /// as it can be: the sample count of the split its stage was training on (the weights' shapes, which the
    /// vocabulary sets, are compared when they are loaded).
    /// </summary>
    /// <param name="point">The checkpoint resumed from.</param>
    /// <param name="now">The fingerprint of the data as it is now.</param>
    /// <param name="stages">The run's stages, to find the split a mid-stage checkpoint was training on.</param>
    /// <param name="log">Gets the warning for a checkpoint without a data fingerprint.</param>
    /// <exception cref="InvalidOperationException">The data changed; the message says how and what to do.</exception>
    public static void CheckData(ResumePoint point, DataFingerprint now, IReadOnlyList<StageConfig> stages, Action<string> log)
    {
        const string Advice = "Nothing was changed. Resume with the data the run was trained on, or train on this data as a new run " +
            "in another run.output_dir (for example --set run.output_dir=...)";
        CheckEpochs(point, stages);
        if (point.State.Data is { } before)
        {
            var differences = now.DifferencesFrom(before);
            if (differences.Count > 0)
                throw new InvalidOperationException($"cannot resume from {point.Name}: the data differs from the data it was trained on: " +
                    $"{string.Join("; ", differences)}. {Advice}");
            return;
        }
        log($"warning: {point.Name} was written without a data fingerprint (by an earlier version); only its sample count and vocabulary size " +
            "can be compared with the data now, an edited sample is not detected");
        if (point.State.StageComplete || point.State.StageIndex >= stages.Count) return;
        string split = stages[point.State.StageIndex].Split.ToString().ToLowerInvariant();
        int count = now.Splits.TryGetValue(split, out var fingerprint) ? fingerprint.Samples : -1;
        if (count >= 0 && count != point.State.SampleOrder!.Count)
            throw new InvalidOperationException($"cannot resume from {point.Name}: the data differs from the data it was trained on: " +
                $"split '{split}': {point.State.SampleOrder.Count} samples at the checkpoint, {count} now. {Advice}");
    }

    /// <summary>
    /// The data order is restored by drawing its permutations again, one per epoch: refuse an epoch count that the
    /// stage's steps cannot have reached (a trainer state edited by hand), which would draw without end.
    /// </summary>
    private static void CheckEpochs(ResumePoint point, IReadOnlyList<StageConfig> stages)
    {
        if (point.State.SampleOrder is not { } order || point.State.StageIndex >= stages.Count) return;
        var stage = stages[point.State.StageIndex];
        long perStep = (long)stage.BatchSize * Math.Max(1, stage.GradientAccumulation);
        long reachable = (point.State.Step * perStep + order.Count - 1) / order.Count;
        if (order.Epochs > reachable)
            throw new InvalidOperationException($"cannot resume from {point.Name}: '{Path.Combine(point.Directory, CheckpointStore.StateFileName)}' is not a valid " +
                $"trainer state: sample_order is at epoch {order.Epochs}, but {point.State.Step} steps of {perStep} samples from {order.Count} reach epoch " +
                $"{reachable} at most. Nothing was changed.");
    }

    /// <summary>
    /// Refuses, before anything is written, a <c>metrics.jsonl</c> that <see cref="ResumePoint.CutMetrics"/> cannot cut back to the
    /// checkpoint: one shorter than it was then (records before the checkpoint were removed), or one whose byte at the
    /// checkpoint's length does not end a line (it was edited). A deleted file is allowed: the resumed run writes a new one.
    /// </summary>
    /// <param name="point">The checkpoint resumed from.</param>
    /// <param name="metricsPath">The run's <c>metrics.jsonl</c>.</param>
    /// <exception cref="InvalidOperationException">The file cannot be continued; the message says what to do.</exception>
    public static void CheckMetrics(ResumePoint point, string metricsPath)
    {
        if (!point.Retry.Execute(() => File.Exists(metricsPath)) || point.State.MetricsBytes == 0) return;
        const string Advice = "Nothing was changed. Restore the file, or delete it to resume with a new one that holds only the records written after";
        long length = point.Retry.Execute(() => new FileInfo(metricsPath).Length);
        if (length < point.State.MetricsBytes)
            throw new InvalidOperationException($"cannot resume from {point.Name}: {metricsPath} is {length} bytes, shorter than the {point.State.MetricsBytes} " +
                $"it had at {point.Name}: records written before the checkpoint were removed. {Advice} {point.Name}");
        int last = point.Retry.Execute(() =>
        {
            using var file = new FileStream(metricsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            file.Position = point.State.MetricsBytes - 1;
            return file.ReadByte();
        });
        if (last != '\n')
            throw new InvalidOperationException($"cannot resume from {point.Name}: {metricsPath} was edited since {point.Name}: its byte {point.State.MetricsBytes}, " +
                $"where the records written up to the checkpoint end, does not end a line. {Advice} {point.Name}");
    }
}
