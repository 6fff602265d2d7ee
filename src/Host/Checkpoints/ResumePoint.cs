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

    /// <summary>The retry policy its files are read with.</summary>
    internal TransientFileRetry Retry => _retry;

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
    /// Cuts <c>metrics.jsonl</c> back to its length at the checkpoint: records written after it are written again.
    /// Call <see cref="ResumeChecks.CheckMetrics"/> first, before the output directory is touched.
    /// </summary>
    public void CutMetrics(string metricsPath, Action<string> log)
    {
        long length = _retry.Execute(() => File.Exists(metricsPath) ? new FileInfo(metricsPath).Length : -1);
        if (length < 0)
        {
            log($"warning: {metricsPath} is missing; the resumed run writes a new one, holding the records written after {Name} only");
            return;
        }
        if (length < State.MetricsBytes)
            throw new InvalidOperationException($"{metricsPath} is shorter than at {Name}; call {nameof(ResumeChecks)}.{nameof(ResumeChecks.CheckMetrics)} first");
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
        AdamWState.Restore(run, Read, State.OptimizerSteps, path);
    }

    /// <summary>Gives every parameter that had a gradient tensor at the checkpoint a zero one, as the uninterrupted run has.</summary>
    private void RestoreGradients(ParameterInventory inventory)
    {
        var names = State.ParametersWithGradients.ToHashSet(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in inventory.All)
            if (names.Contains(name) && parameter.grad is null) parameter.grad = zeros_like(parameter);
    }
}
