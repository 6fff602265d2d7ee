using Pipeline.Host.IO;
using Pipeline.Host.Reporting;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// A checkpoint a run resumes from, and the steps that put a freshly started process where the checkpointed one
/// stood: cut <c>metrics.jsonl</c> and the TensorBoard event files back, load the trained weights, then, when the
/// stage it continues starts, restore the data order, metrics window, schedule, optimizer moments, gradient tensors
/// and random generator.
/// </summary>
public sealed class ResumePoint
{
    private readonly TransientFileRetry _retry;
    private bool _restored;

    private ResumePoint(string directory, TrainerState state, IReadOnlyList<string> trainedParameters, TransientFileRetry retry)
    {
        Directory = directory;
        State = state;
        TrainedParameters = trainedParameters;
        _retry = retry;
    }

    /// <summary>The checkpoint directory.</summary>
    public string Directory { get; }

    /// <summary>The checkpoint's name.</summary>
    public string Name => Path.GetFileName(Directory);

    /// <summary>Its trainer state.</summary>
    public TrainerState State { get; }

    /// <summary>The parameter names its weights file holds: everything trained up to the checkpoint.</summary>
    public IReadOnlyList<string> TrainedParameters { get; }

    /// <summary>The stage the resumed run runs first (the number of stages when the run is complete).</summary>
    public int FirstStageIndex => State.StageComplete ? State.StageIndex + 1 : State.StageIndex;

    /// <summary>
    /// Reads the checkpoint in <paramref name="directory"/> and checks its tensor files
    /// (<see cref="CheckpointIntegrity.Verify"/>); throws <see cref="InvalidDataException"/> for a broken one.
    /// </summary>
    public static ResumePoint Load(string directory, TransientFileRetry? retry = null)
    {
        retry ??= TransientFileRetry.Default;
        string statePath = Path.Combine(directory, CheckpointStore.StateFileName);
        retry.Execute(() => NonEmptyFile.Require(statePath));
        var state = TrainerState.Parse(retry.Execute(() => File.ReadAllBytes(statePath)), statePath);
        if (!state.StageComplete && !retry.Execute(() => File.Exists(Path.Combine(directory, Checkpointer.OptimizerFileName))))
            throw new InvalidDataException($"checkpoint '{directory}' was written mid-stage but has no {Checkpointer.OptimizerFileName}");
        if (!RandomState.Fits(state.TorchRngState))
            throw new InvalidDataException($"'{statePath}': torch_rng_state is not a state of this torch build's CPU generator");
        CheckpointIntegrity.Verify(directory, retry);
        string weightsPath = Path.Combine(directory, CheckpointLocation.WeightsFileName);
        using var weights = retry.Execute(() => SafetensorsFile.Open(weightsPath));
        return new ResumePoint(directory, state, weights.Entries.Keys.Order(StringComparer.Ordinal).ToList(), retry);
    }

    /// <summary>
    /// Refuses, before anything is written, a resume whose data differs from the checkpoint's
    /// (<see cref="DataFingerprint"/>). A checkpoint written before data fingerprints were recorded is compared as far
    /// as it can be: the sample count of the split its stage was training on (the weights' shapes, which the
    /// vocabulary sets, are compared when they are loaded).
    /// </summary>
    /// <param name="now">The fingerprint of the data as it is now.</param>
    /// <param name="stages">The run's stages, to find the split a mid-stage checkpoint was training on.</param>
    /// <param name="log">Gets the warning for a checkpoint without a data fingerprint.</param>
    /// <exception cref="InvalidOperationException">The data changed; the message says how and what to do.</exception>
    public void CheckData(DataFingerprint now, IReadOnlyList<Config.StageConfig> stages, Action<string> log)
    {
        const string Advice = "Nothing was changed. Resume with the data the run was trained on, or train on this data as a new run " +
            "in another run.output_dir (for example --set run.output_dir=...)";
        CheckEpochs(stages);
        if (State.Data is { } before)
        {
            var differences = now.DifferencesFrom(before);
            if (differences.Count > 0)
                throw new InvalidOperationException($"cannot resume from {Name}: the data differs from the data it was trained on: " +
                    $"{string.Join("; ", differences)}. {Advice}");
            return;
        }
        log($"warning: {Name} was written without a data fingerprint (by an earlier version); only its sample count and vocabulary size " +
            "can be compared with the data now, an edited sample is not detected");
        if (State.StageComplete || State.StageIndex >= stages.Count) return;
        string split = stages[State.StageIndex].Split.ToString().ToLowerInvariant();
        int count = now.Splits.TryGetValue(split, out var fingerprint) ? fingerprint.Samples : -1;
        if (count >= 0 && count != State.SampleOrder!.Count)
            throw new InvalidOperationException($"cannot resume from {Name}: the data differs from the data it was trained on: " +
                $"split '{split}': {State.SampleOrder.Count} samples at the checkpoint, {count} now. {Advice}");
    }

    /// <summary>
    /// The data order is restored by drawing its permutations again, one per epoch: refuse an epoch count that the
    /// stage's steps cannot have reached (a trainer state edited by hand), which would draw without end.
    /// </summary>
    private void CheckEpochs(IReadOnlyList<Config.StageConfig> stages)
    {
        if (State.SampleOrder is not { } order || State.StageIndex >= stages.Count) return;
        var stage = stages[State.StageIndex];
        long perStep = (long)stage.BatchSize * Math.Max(1, stage.GradientAccumulation);
        long reachable = (State.Step * perStep + order.Count - 1) / order.Count;
        if (order.Epochs > reachable)
            throw new InvalidOperationException($"cannot resume from {Name}: '{Path.Combine(Directory, CheckpointStore.StateFileName)}' is not a valid " +
                $"trainer state: sample_order is at epoch {order.Epochs}, but {State.Step} steps of {perStep} samples from {order.Count} reach epoch " +
                $"{reachable} at most. Nothing was changed.");
    }

    /// <summary>
    /// Refuses, before anything is written, a <c>metrics.jsonl</c> that <see cref="CutMetrics"/> cannot cut back to the
    /// checkpoint: one shorter than it was then (records before the checkpoint were removed), or one whose byte at the
    /// checkpoint's length does not end a line (it was edited). A deleted file is allowed: the resumed run writes a new one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file cannot be continued; the message says what to do.</exception>
    public void CheckMetrics(string metricsPath)
    {
        if (!_retry.Execute(() => File.Exists(metricsPath)) || State.MetricsBytes == 0) return;
        const string Advice = "Nothing was changed. Restore the file, or delete it to resume with a new one that holds only the records written after";
        long length = _retry.Execute(() => new FileInfo(metricsPath).Length);
        if (length < State.MetricsBytes)
            throw new InvalidOperationException($"cannot resume from {Name}: {metricsPath} is {length} bytes, shorter than the {State.MetricsBytes} " +
                $"it had at {Name}: records written before the checkpoint were removed. {Advice} {Name}");
        int last = _retry.Execute(() =>
        {
            using var file = new FileStream(metricsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            file.Position = State.MetricsBytes - 1;
            return file.ReadByte();
        });
        if (last != '\n')
            throw new InvalidOperationException($"cannot resume from {Name}: {metricsPath} was edited since {Name}: its byte {State.MetricsBytes}, " +
                $"where the records written up to the checkpoint end, does not end a line. {Advice} {Name}");
    }

    /// <summary>
    /// Cuts <c>metrics.jsonl</c> back to its length at the checkpoint: records written after it are written again.
    /// Call <see cref="CheckMetrics"/> first, before the output directory is touched.
    /// </summary>
    public void CutMetrics(string metricsPath, Action<string> log)
    {
        long length = _retry.Execute(() => File.Exists(metricsPath) ? new FileInfo(metricsPath).Length : -1);
        if (length < 0)
        {
            log($"warning: {metricsPath} is missing; the resumed run writes a new one, holding the records written after {Name} only");
            return;
        }
        if (length < State.MetricsBytes) throw new InvalidOperationException($"{metricsPath} is shorter than at {Name}; call {nameof(CheckMetrics)} first");
        if (length == State.MetricsBytes) return;
        _retry.Execute(() =>
        {
            using var file = new FileStream(metricsPath, FileMode.Open, FileAccess.Write, FileShare.None);
            file.SetLength(State.MetricsBytes);
            file.Flush(flushToDisk: true);
        });
        log($"{Path.GetFileName(metricsPath)}: removed {length - State.MetricsBytes} bytes written after {Name}");
    }

    /// <summary>
    /// Cuts the run's TensorBoard event files in <paramref name="directory"/> back to the checkpoint's global step, as
    /// <see cref="CutMetrics"/> cuts <c>metrics.jsonl</c>: the resumed run writes those events again, in a new file.
    /// </summary>
    public void CutTensorBoard(string directory, Action<string> log)
    {
        if (!System.IO.Directory.Exists(directory)) return;
        int removed = 0;
        foreach (string file in System.IO.Directory.GetFiles(directory).Where(TensorBoardEventFile.IsEventFile).Order(StringComparer.Ordinal))
            removed += _retry.Execute(() => TensorBoardEventFile.CutAfter(file, State.GlobalStep));
        if (removed > 0) log($"{Path.GetFileName(directory)}: removed {removed} events written after {Name}");
    }

    /// <summary>
    /// Loads the checkpoint's weights into <paramref name="model"/>; every tensor in the weights file must find its
    /// parameter, with its shape, and every optimizer moment a parameter of its shape. Call it before the output
    /// directory is touched: a refusal then changes nothing (the model, half loaded, is the process's own).
    /// </summary>
    /// <exception cref="InvalidOperationException">The checkpoint does not fit the model; the message says what to do.</exception>
    public WeightsLoadReport LoadWeights(nn.Module model)
    {
        const string Advice = "Nothing was changed. Was the data's vocabulary or a plugin changed since? Resume with the data and plugins the run " +
            "was trained with, or start a new run in another run.output_dir";
        try
        {
            var report = ModelWeights.Load(model, Directory, _retry, verified: true);
            if (report.Unexpected.Count > 0)
                throw new InvalidDataException($"the model has no parameter for {report.Unexpected.Count} saved tensors " +
                    $"({string.Join(", ", report.Unexpected.Take(5))})");
            CheckOptimizerShapes(model);
            return report;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"cannot resume from {Name}: {e.Message}. {Advice}", e);
        }
    }

    /// <summary>Every tensor of <c>optimizer.safetensors</c> must be a moment of a model parameter with that parameter's shape.</summary>
    private void CheckOptimizerShapes(nn.Module model)
    {
        string path = Path.Combine(Directory, Checkpointer.OptimizerFileName);
        if (State.StageComplete || !_retry.Execute(() => File.Exists(path))) return;
        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape, StringComparer.Ordinal);
        using var file = _retry.Execute(() => SafetensorsFile.Open(path));
        foreach (var (key, entry) in file.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string? suffix = new[] { AdamWState.MaxExpAvgSq, AdamWState.ExpAvgSq, AdamWState.ExpAvg }.FirstOrDefault(s => key.EndsWith(s, StringComparison.Ordinal));
            string parameter = suffix is null ? key : key[..^suffix.Length];
            if (suffix is null || !shapes.TryGetValue(parameter, out long[]? shape))
                throw new InvalidDataException($"'{path}': '{key}' is not an optimizer moment of a parameter of this model");
            if (!entry.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"'{path}': '{key}' has shape [{string.Join(", ", entry.Shape)}], the parameter's is [{string.Join(", ", shape)}]");
            if (!State.OptimizerSteps.ContainsKey(parameter))
                throw new InvalidDataException($"'{path}' holds '{key}', but {CheckpointStore.StateFileName} has no optimizer step count for '{parameter}'");
        }
        foreach (string parameter in State.OptimizerSteps.Keys)
            foreach (string suffix in new[] { AdamWState.ExpAvg, AdamWState.ExpAvgSq })
                if (!file.Entries.ContainsKey(parameter + suffix))
                    throw new InvalidDataException($"'{path}' has no '{parameter + suffix}' for the optimizer step count of '{parameter}'");
    }

    /// <summary>Whether stage <paramref name="stageIndex"/> is the one the resumed run continues (true once).</summary>
    public bool Continues(int stageIndex) => !_restored && stageIndex == FirstStageIndex;

    /// <summary>
    /// Puts the stage that <see cref="Continues"/> into the checkpoint's state. Call after the stage has built its
    /// optimizer, schedule and sample order and before its first step.
    /// </summary>
    public void Restore(StageRun run, ParameterInventory inventory, Action<string> log)
    {
        _restored = true;
        if (!State.StageComplete)
        {
            if (run.Stage.Name != State.StageName || run.TotalSteps != State.TotalSteps)
                throw new InvalidDataException($"{Name} was written in stage '{State.StageName}' of {State.TotalSteps} steps, " +
                    $"but stage {run.StageIndex} is '{run.Stage.Name}' of {run.TotalSteps} steps");
            var order = State.SampleOrder!;
            if (order.Count != run.Order.Count || order.Seed != run.Order.Seed)
                throw new InvalidDataException($"{Name}: the data order was over {order.Count} samples with seed {order.Seed}, " +
                    $"now {run.Order.Count} with seed {run.Order.Seed}; did the data change?");
            run.Order.FastForward(order.Epochs, order.Position);
            run.Progress.RestoreFrom(State.Progress!);
            run.Schedule.LoadState(State.ScheduleState);
            RestoreOptimizer(run);
        }
        RestoreGradients(inventory);
        RandomState.Restore(State.TorchRngState);
        log(State.StageComplete
            ? $"resumed from {Name}: stage '{State.StageName}' was complete; starting stage '{run.Stage.Name}'"
            : $"resumed from {Name}: stage '{run.Stage.Name}' continues after step {State.Step} of {State.TotalSteps}");
    }

    private void RestoreOptimizer(StageRun run)
    {
        string path = Path.Combine(Directory, Checkpointer.OptimizerFileName);
        using var file = _retry.Execute(() => SafetensorsFile.Open(path));
        // Each retried read does its file I/O before it fills a fresh tensor; the copy into the optimizer happens outside.
        Tensor? Read(string key) => file.Entries.ContainsKey(key) ? _retry.Execute(() => file.Read(key, ScalarType.Float32)) : null;
        FinalizerFence.Run(() =>
        {
            AdamWState.Restore(run, Read, State.OptimizerSteps, path);
            return 0;
        });
    }

    /// <summary>Gives every parameter that had a gradient tensor at the checkpoint a zero one, as the uninterrupted run has.</summary>
    private void RestoreGradients(ParameterInventory inventory)
    {
        var names = State.ParametersWithGradients.ToHashSet(StringComparer.Ordinal);
        FinalizerFence.Run(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var (name, parameter) in inventory.All)
                if (names.Contains(name) && parameter.grad is null) parameter.grad = zeros_like(parameter);
            return 0;
        });
    }
}
