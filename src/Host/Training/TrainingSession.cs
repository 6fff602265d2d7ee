using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Config;
using Pipeline.Host.Modules.Multimodal;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>What every stage of one run shares: the model, data, device, schedules and the metrics file.</summary>
public sealed class TrainingSession
{
    public required MultimodalModel Model { get; init; }

    public required ParameterInventory Inventory { get; init; }

    public required BatchCollator Collator { get; init; }

    public required DataSplits Splits { get; init; }

    public required Device Device { get; init; }

    public required long Seed { get; init; }

    public required int EvalBatchSize { get; init; }

    /// <summary>Batches prepared ahead of the step on a background thread (<c>data.prefetch_batches</c>); 0 prepares them on the step's thread.</summary>
    public int PrefetchBatches { get; init; } = 2;

    public required int LogEvery { get; init; }

    public required MetricsWriter Metrics { get; init; }

    /// <summary>Builds the schedule plugin a selection names (used for stage schedules and for schedules that wrap another).</summary>
    public required Func<PluginSelection, SchedulerBuildContext, ILearningRateSchedule> CreateSchedule { get; init; }

    /// <summary>Which adapters run in which stage; <c>null</c> runs every adapter in every stage.</summary>
    public AdapterActivity? Activity { get; init; }

    /// <summary>The model's adapters, for <see cref="IAdapterActivation.Activate"/> at the first stage that trains each.</summary>
    public IReadOnlyList<IAdapter> Adapters { get; init; } = [];

    /// <summary>
    /// The YAML blocks of the model's adapters (<c>model.adapters</c>), for their <c>lr_scale</c> and <c>weight_decay</c>;
    /// empty trains every adapter at its side's rate with the stage's decay.
    /// </summary>
    public IReadOnlyList<AdapterBlock> AdapterBlocks { get; init; } = [];

    /// <summary>
    /// The block of the adapter that added the parameter <paramref name="name"/> when that adapter has optimizer groups
    /// of its own (<see cref="AdapterBlock.HasOwnOptimizerGroups"/>); <c>null</c> for every other parameter.
    /// </summary>
    public AdapterBlock? OwnOptimizerGroupsOf(string name) =>
        Inventory.AdapterOf(name) is { } adapter ? AdapterBlocks.FirstOrDefault(b => b.InstanceName == adapter && b.HasOwnOptimizerGroups) : null;

    /// <summary>Converts frozen weights to their reduced type at each stage start (<c>model.dtype</c>); <c>null</c> keeps every weight as built.</summary>
    public FrozenWeightPrecision? Precision { get; init; }

    /// <summary>Writes checkpoints after steps and at stage ends; <c>null</c> writes none.</summary>
    public Checkpointer? Checkpoints { get; init; }

    /// <summary>Where a resumed run continues; <c>null</c> for a fresh run.</summary>
    public ResumePoint? Resume { get; init; }

    /// <summary>What a step with a non-finite loss or gradient norm does.</summary>
    public NonFiniteAction OnNonFinite { get; init; } = NonFiniteAction.Stop;

    /// <summary>With <see cref="NonFiniteAction.Skip"/>, the run stops after this many skipped steps in a row.</summary>
    public int MaxConsecutiveSkips { get; init; } = 5;

    /// <summary>Called before a stage's first optimizer step (progress displays).</summary>
    public Action<StageStart>? StageStarted { get; init; }

    /// <summary>Called after every optimizer step, outside the step's dispose scope (progress displays, tests).</summary>
    public Action<StepReport>? StepCompleted { get; init; }

    /// <summary>Where progress lines go.</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>
    /// Writes an evaluation record to the metrics and the log; one made on a fixed subset of the held-out split
    /// (<paramref name="subset"/>, <c>stages[].eval_samples</c>) says so with <c>"subset": true</c>. The record ends with
    /// the per-sample statistics' means (<see cref="SampleStatisticKeys"/>); the log line leaves them out.
    /// </summary>
    public void WriteEvaluation(string stage, long step, EvaluationResult result, bool subset = false)
    {
        var record = new Dictionary<string, object>
        {
            ["kind"] = "eval", ["stage"] = stage, ["step"] = step, ["eval_loss"] = result.Loss,
            ["accuracy"] = result.Accuracy, ["samples"] = result.Samples,
        };
        if (subset) record["subset"] = true;
        foreach (var (category, accuracy) in result.AccuracyByCategory) record[$"accuracy_{category}"] = accuracy;
        foreach (var (key, mean) in result.Statistics) record[key] = mean;
        Metrics.Write(record);
        Log($"[{stage}] eval at step {step}{(subset ? $" on {result.Samples} samples" : "")}: loss {result.Loss:F4}, accuracy {result.Accuracy:P1} (" +
            string.Join(", ", result.AccuracyByCategory.Select(kv => $"{kv.Key} {kv.Value:P1}")) + ")");
    }
}
