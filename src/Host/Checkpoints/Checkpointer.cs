using System.Diagnostics;
using Pipeline.Host.Config;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Decides when a checkpoint is due and writes it: the weights trained so far, the optimizer's moments, and the
/// <see cref="TrainerState"/>. The tensors are checked for non-finite values and serialized in memory first; only
/// then does <see cref="CheckpointStore"/> write the files, so the retry policy wraps file I/O and never tensor math.
/// </summary>
public sealed class Checkpointer
{
    /// <summary>The file holding AdamW's moments in a mid-stage checkpoint.</summary>
    public const string OptimizerFileName = "optimizer.safetensors";

    private readonly CheckpointOptions _options;
    private readonly CheckpointStore _store;
    private readonly ConfigFingerprint _fingerprint;
    private readonly MetricsWriter _metrics;
    private readonly ParameterInventory _inventory;
    private readonly IReadOnlyList<long> _stageOffsets;
    private readonly Action<string> _log;
    private readonly HashSet<string> _trained = new(StringComparer.Ordinal);
    private readonly List<StageSummary> _completed = [];
    private readonly DataFingerprint? _data;

    /// <param name="options">When to write and how many to keep.</param>
    /// <param name="store">The run's checkpoints folder.</param>
    /// <param name="fingerprint">The run's configuration fingerprint.</param>
    /// <param name="metrics">The run's metrics file (its length is recorded).</param>
    /// <param name="inventory">The model's parameters.</param>
    /// <param name="stageSteps">Optimizer steps of every stage, to number checkpoints by the run's global step.</param>
    /// <param name="resume">The checkpoint a resumed run started from, whose trained weights and finished stages carry over.</param>
    /// <param name="log">Where a line per checkpoint goes.</param>
    /// <param name="data">The run's data fingerprint, recorded in every checkpoint; <c>null</c> records none.</param>
    public Checkpointer(CheckpointOptions options, CheckpointStore store, ConfigFingerprint fingerprint, MetricsWriter metrics,
        ParameterInventory inventory, IReadOnlyList<long> stageSteps, ResumePoint? resume, Action<string> log, DataFingerprint? data = null)
    {
        _data = data;
        _options = options;
        _store = store;
        _fingerprint = fingerprint;
        _metrics = metrics;
        _inventory = inventory;
        _stageOffsets = stageSteps.Select((_, i) => stageSteps.Take(i).Sum()).ToList();
        _log = log;
        if (resume is not null)
        {
            _trained.UnionWith(resume.TrainedParameters);
            _completed.AddRange(resume.State.CompletedStages);
        }
    }

    /// <summary>The checkpointer of a pipeline run, or <c>null</c> when <c>run.checkpoint.enabled</c> is false.</summary>
    public static Checkpointer? ForRun(PipelineDefinition definition, DataSplits splits, MetricsWriter metrics, ParameterInventory inventory,
        ResumePoint? resume, Action<string> log, DataFingerprint? data = null)
    {
        var options = definition.Config.Run.Checkpoint;
        if (!options.Enabled) return null;
        var stageSteps = StageTrainer.TotalSteps(definition.Config.Stages, splits);
        return new Checkpointer(options, new CheckpointStore(CheckpointLocation.Folder(definition.OutputDirectory)), ConfigFingerprint.Of(definition),
            metrics, inventory, stageSteps, resume, log, data);
    }

    /// <summary>Size and duration of the last checkpoint written, or <c>null</c> before the first.</summary>
    public (string Name, long Bytes, TimeSpan Elapsed)? LastWritten { get; private set; }

    /// <summary>Called after every step but a stage's last (and after that step's metrics and evaluation).</summary>
    public void AfterStep(StageRun run)
    {
        if (_options.Every > 0 && run.Progress.Step % _options.Every == 0) Write(run, stageComplete: false);
    }

    /// <summary>Called when a stage has finished, after its final evaluation.</summary>
    public void AtStageEnd(StageRun run, StageSummary summary)
    {
        _completed.Add(summary);
        if (_options.AtStageEnd || (_options.Every > 0 && run.TotalSteps % _options.Every == 0)) Write(run, stageComplete: true);
        else _trained.UnionWith(run.Trainable.Select(p => p.Name));
    }

    private void Write(StageRun run, bool stageComplete)
    {
        var clock = Stopwatch.StartNew();
        long step = run.Progress.Step;
        string name = CheckpointStore.NameFor(_stageOffsets[run.StageIndex] + step);
        _trained.UnionWith(run.Trainable.Select(p => p.Name));
        var weights = _inventory.All.Where(p => _trained.Contains(p.Name)).Select(p => (p.Name, (Tensor)p.Parameter)).ToList();
        var (moments, optimizerSteps) = stageComplete
            ? ([], new Dictionary<string, long>())
            : AdamWState.Capture(run);
        string? nonFinite = CheckpointTensors.FirstNonFinite(weights.Concat(moments));
        if (nonFinite is not null)
            throw new InvalidOperationException($"stage '{run.Stage.Name}' step {step}: '{nonFinite}' holds non-finite values; " +
                $"checkpoint {name} was not written (the latest complete one is kept)");

        var files = new List<CheckpointFile>
        {
            new(CheckpointLocation.WeightsFileName, CheckpointTensors.Serialize(weights, new Dictionary<string, string> { ["format"] = "pt", ["checkpoint"] = name })),
        };
        if (!stageComplete) files.Add(new(OptimizerFileName, CheckpointTensors.Serialize(moments)));
        var state = new TrainerState
        {
            Name = name, GlobalStep = _stageOffsets[run.StageIndex] + step, StageIndex = run.StageIndex, StageName = run.Stage.Name,
            Step = step, TotalSteps = run.TotalSteps, StageComplete = stageComplete, CompletedStages = _completed.ToList(),
            SampleOrder = stageComplete ? null : new SampleOrderState(run.Order.Count, run.Order.Seed, run.Order.Epochs, run.Order.Position),
            Progress = stageComplete ? null : run.Progress with { },
            ScheduleState = stageComplete ? new Dictionary<string, double>() : run.Schedule.SaveState(),
            OptimizerSteps = optimizerSteps, TorchRngState = RandomState.Capture(),
            ParametersWithGradients = ParametersWithGradients(), MetricsBytes = _metrics.Length,
            Config = _fingerprint.Values, ConfigFingerprint = _fingerprint.Hash, Data = _data,
        };
        files.Add(new(CheckpointStore.StateFileName, ByteChunks.Of(state.ToJson())));
        _store.Write(name, files, _options.KeepLast);
        long bytes = files.Sum(f => f.Content.Length);
        LastWritten = (name, bytes, clock.Elapsed);
        _log($"checkpoint {name} (stage '{run.Stage.Name}' step {step}/{run.TotalSteps}): {bytes / 1e6:F2} MB in {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    private List<string> ParametersWithGradients()
    {
        using var scope = NewDisposeScope();
        return _inventory.All.Where(p => p.Parameter.grad is not null).Select(p => p.Name).ToList();
    }
}
