using System.Diagnostics;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Runtime;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Config;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Runs one stage: freezes all but the stage's trainable parameters, builds AdamW and the schedule, and steps
/// through shuffled micro-batches with gradient accumulation and clipping. Every optimizer step runs inside one
/// dispose scope, so no tensor made by a step outlives it.
/// </summary>
public sealed class StageTrainer
{
    private readonly TrainingSession _session;

    public StageTrainer(TrainingSession session) => _session = session;

    /// <summary>Optimizer steps the stage will take for <paramref name="sampleCount"/> samples.</summary>
    public static long TotalSteps(StageConfig stage, int sampleCount)
    {
        if (stage.Steps > 0) return stage.Steps;
        double microBatches = Math.Ceiling(stage.Epochs * sampleCount / stage.BatchSize);
        return Math.Max(1, (long)Math.Ceiling(microBatches / stage.GradientAccumulation));
    }

    /// <summary>Optimizer steps of every stage of a run, in order (global steps count them).</summary>
    public static IReadOnlyList<long> TotalSteps(IReadOnlyList<StageConfig> stages, DataSplits splits) =>
        stages.Select(s => TotalSteps(s, splits.Get(s.Split).Count)).ToList();

    /// <summary>
    /// The global 2-norm of the gradients, computed as <c>clip_grad_norm_</c> computes it but without clipping
    /// (<c>clip_grad_norm: 0</c>), so non-finite gradients are caught with clipping off too.
    /// </summary>
    private static double GradientNorm(IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters)
    {
        using var scope = NewDisposeScope();
        var norms = parameters.Where(p => p.Parameter.grad is not null).Select(p => p.Parameter.grad!.detach().norm().to_type(ScalarType.Float64)).ToList();
        return norms.Count == 0 ? 0 : stack(norms).norm().item<double>();
    }

    private static IEnumerable<string> NonFiniteGradients(IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters) =>
        parameters.Where(p => p.Parameter.grad is { } grad && !grad.isfinite().all().item<bool>()).Select(p => p.Name);

    /// <summary>
    /// A step's task loss, gradient norm and tokens, and its adapters' auxiliary losses by name (each, like the task loss,
    /// the mean over the step's micro-batches); <paramref name="Skipped"/> when it was not applied.
    /// </summary>
    private readonly record struct StepResult(double Loss, double GradientNorm, long Tokens, IReadOnlyDictionary<string, double> AuxiliaryLosses,
        bool Skipped = false);

    /// <summary>One optimizer step (all its micro-batches) inside one dispose scope: nothing it creates outlives it.</summary>
    private StepResult TrainStep(StageRun run, BatchPrefetcher batches, long step)
    {
        var (stage, _, _, _, order, trainable, optimizer, groups, schedule, _) = run;
        schedule.Step = step;
        foreach (var group in groups) group.Group.LearningRate = schedule.LearningRate(group.Side, step) * group.LearningRateScale;
        using var scope = NewDisposeScope();
        Func<ModelBatch, SnapshotStepObservation>? observe = schedule.WantsObservation(step)
            ? SnapshotStepObservation.Before(step, _session.Model, trainable) : null;
        var losses = new MicroBatchLosses();
        var prepared = new List<PreparedBatch>(stage.GradientAccumulation);
        long tokens = 0;
        ModelBatch? lastBatch = null;
        try
        {
            for (int micro = 0; micro < stage.GradientAccumulation; micro++)
            {
                lastBatch?.Dispose();
                prepared.Add(batches.Next(order.Next(stage.BatchSize)));
                lastBatch = _session.Collator.ToModelBatch(prepared[^1], _session.Device);
                ModelOutput output = _session.Model.ForwardSupervised(lastBatch);
                Tensor loss = LanguageModelLoss.AnswerCrossEntropy(output.Logits, lastBatch.Labels);
                losses.Add(loss, output.AuxiliaryLosses);
                foreach (var (_, auxiliary) in output.AuxiliaryLosses) loss = loss + auxiliary;
                Tensor? scheduleLoss = schedule.AuxiliaryLoss(output.Logits);
                if (scheduleLoss is not null) loss = loss + scheduleLoss;
                (loss / stage.GradientAccumulation).backward();
                tokens += prepared[^1].TokenCount;
            }
            // The step's one read of its losses. A non-finite micro-batch loss has had its backward pass, but the optimizer
            // has not stepped, so stopping here leaves the weights as they were.
            MicroBatchLosses.Values read = losses.Read(stage.GradientAccumulation);
            if (_session.OnNonFinite == NonFiniteAction.Stop && read.FirstNonFinite is { } nonFinite)
                throw NonFiniteMicroBatchLoss(stage, step, read.TaskLosses[nonFinite], prepared[nonFinite], nonFinite == prepared.Count - 1 ? lastBatch : null);
            var (stepLoss, stepAuxiliary) = (read.Loss, read.AuxiliaryLosses);
            bool skip = _session.OnNonFinite == NonFiniteAction.Skip;
            if (!double.IsFinite(stepLoss))
            {
                if (skip) return Skip(run, observe, lastBatch!, new StepResult(stepLoss, double.NaN, tokens, stepAuxiliary, Skipped: true));
                throw NonFiniteLoss(stage, step, stepLoss, lastBatch!);
            }
            // Without clipping the norm is still computed (one host read per step, as with clipping): it is the only
            // cheap sign of non-finite gradients when the task loss itself is finite (an auxiliary loss gone NaN).
            double gradNorm = stage.ClipGradNorm > 0
                ? nn.utils.clip_grad_norm_(trainable.Select(p => p.Parameter), stage.ClipGradNorm)
                : GradientNorm(trainable);
            if (!double.IsFinite(gradNorm))
            {
                if (skip) return Skip(run, observe, lastBatch!, new StepResult(stepLoss, gradNorm, tokens, stepAuxiliary, Skipped: true));
                throw NonFinite($"stage '{stage.Name}' step {step + 1}: the gradient norm is {gradNorm} " +
                    $"(non-finite gradients in {string.Join(", ", NonFiniteGradients(trainable).Take(5))}); stopping before the weights are corrupted", lastBatch!);
            }
            optimizer.step();
            optimizer.zero_grad();
            if (observe is not null)
            {
                using var observation = observe(lastBatch!);
                schedule.Observe(observation);
                WriteScheduleRecord(run, step);
            }
            return new StepResult(stepLoss, gradNorm, tokens, stepAuxiliary);
        }
        finally
        {
            lastBatch?.Dispose();
        }
    }

    /// <summary>Stops the run at a step whose task loss is not finite (see <see cref="NonFinite"/>).</summary>
    private InvalidOperationException NonFiniteLoss(StageConfig stage, long step, double loss, ModelBatch batch) =>
        NonFinite($"stage '{stage.Name}' step {step + 1}: the loss is {loss}; stopping before the weights are corrupted", batch);

    /// <summary>
    /// Stops the run at the step's first micro-batch whose task loss is not finite, with that micro-batch's loss; the batch
    /// rerun with checks is that micro-batch: <paramref name="collated"/> when it is still alive (the step's last one), else
    /// made again from <paramref name="batch"/>.
    /// </summary>
    private InvalidOperationException NonFiniteMicroBatchLoss(StageConfig stage, long step, double loss, PreparedBatch batch, ModelBatch? collated)
    {
        using ModelBatch? again = collated is null ? _session.Collator.ToModelBatch(batch, _session.Device) : null;
        return NonFiniteLoss(stage, step, loss, collated ?? again!);
    }

    /// <summary>
    /// The error that stops a step with a non-finite loss or gradients. When every weight is still finite, the batch is run
    /// again with <see cref="NonFiniteOutputCheck"/> on, so a plugin whose module turned finite values into NaN or an
    /// infinity is named (and is the inner exception); weights already non-finite mean the run diverged earlier, and
    /// the message stays as it is. With gradient accumulation only the step's last micro-batch is rerun for gradients.
    /// </summary>
    private InvalidOperationException NonFinite(string message, ModelBatch batch)
    {
        if (CheckpointTensors.FirstNonFinite(_session.Inventory.All.Select(p => (p.Name, (Tensor)p.Parameter))) is not null) return new(message);
        try
        {
            using var noGrad = no_grad();
            using var check = NonFiniteOutputCheck.Activate();
            _session.Model.ForwardSupervised(batch);
            return new(message);
        }
        catch (PluginFailureException source)
        {
            return new($"{message}; rerunning the batch with checks found: {source.Message}", source);
        }
    }

    /// <summary>A measuring schedule's metrics after every observation (not only every log_every steps), with each side's rate.</summary>
    private void WriteScheduleRecord(StageRun run, long step)
    {
        var record = new Dictionary<string, object> { ["kind"] = "schedule", ["stage"] = run.Stage.Name, ["step"] = step + 1 };
        foreach (string side in run.Groups.Select(g => g.Side).Distinct()) record[$"lr_{side}"] = run.Schedule.LearningRate(side, step);
        AddAdapterRates(record, run.Groups);
        foreach (var (name, value) in run.Schedule.Metrics) record[name] = value;
        _session.Metrics.Write(record);
    }

    /// <summary>
    /// <c>lr_&lt;side&gt;_&lt;adapter&gt;</c>: the rate the step just taken used for each adapter with optimizer groups of
    /// its own (<c>lr_scale</c> or <c>weight_decay</c> set), read from its optimizer group.
    /// </summary>
    private static void AddAdapterRates(Dictionary<string, object> record, IReadOnlyList<OptimizerFactory.SideGroup> groups)
    {
        foreach (var group in groups.Where(g => g.Adapter is not null)) record[$"lr_{group.Side}_{group.Adapter}"] = group.Group.LearningRate;
    }

    /// <summary>
    /// The adapters' auxiliary losses of the window, averaged over its completed steps like <c>loss</c>:
    /// <c>aux_loss</c> their sum and <c>aux_loss_&lt;name&gt;</c> each, under the name it was reported with.
    /// </summary>
    private static void AddAuxiliaryLosses(Dictionary<string, object> record, StageProgress progress)
    {
        if (progress.AuxiliaryLossSinceLog.Count == 0) return;
        record["aux_loss"] = progress.AuxiliaryLossSinceLog.Values.Sum() / progress.StepsSinceLog;
        foreach (var (name, sum) in progress.AuxiliaryLossSinceLog.OrderBy(a => a.Key, StringComparer.Ordinal))
            record[$"aux_loss_{name}"] = sum / progress.StepsSinceLog;
    }

    /// <summary>Drops a step's gradients without stepping the optimizer (<c>on_non_finite: skip</c>).</summary>
    private static StepResult Skip(StageRun run, Func<ModelBatch, SnapshotStepObservation>? observe, ModelBatch batch, StepResult result)
    {
        run.Optimizer.zero_grad();
        observe?.Invoke(batch).Dispose();
        return result;
    }

    /// <summary>Calls <see cref="IAdapterActivation.Activate"/> on the adapters the stage is the first to train, with gradients off.</summary>
    private void ActivateAdapters(int stageIndex)
    {
        if (_session.Activity is not { } activity) return;
        foreach (string name in activity.FirstTrainedIn(stageIndex))
        {
            if (_session.Adapters.FirstOrDefault(a => a.Name == name) is not IAdapterActivation activation) continue;
            try
            {
                // Plugin tensor work outside the step, so it gets the fence the step has (see FinalizerFence).
                FinalizerFence.Run(() =>
                {
                    using var noGrad = no_grad();
                    activation.Activate();
                    return true;
                });
            }
            catch (Exception e)
            {
                throw new PluginFailureException("adapter", _session.Model.PluginOrigins.AdapterPlugin(name), "while being activated", e);
            }
        }
    }

    public StageSummary Run(StageConfig stage, int stageIndex)
    {
        var session = _session;
        IReadOnlyList<TokenizedSample> samples = session.Splits.Get(stage.Split);
        if (samples.Count == 0) throw new InvalidOperationException($"stage '{stage.Name}': split '{stage.Split.ToString().ToLowerInvariant()}' has no samples");
        if (session.Precision is { } precision)
        {
            precision.Apply(stage.Trainable);
            if (precision.ReducedComponents() is { } reduced) session.Log($"stage '{stage.Name}': frozen weights stored as {reduced}");
        }
        var switchedOff = session.Activity?.Apply(session.Model, stageIndex) ?? [];
        if (switchedOff.Count > 0) session.Log($"stage '{stage.Name}': adapter{(switchedOff.Count == 1 ? "" : "s")} {string.Join(", ", switchedOff)} off until the first stage that trains {(switchedOff.Count == 1 ? "it" : "them")}");
        var trainable = session.Inventory.Select(stage.Trainable, session.Model.Encoders.Keys.ToList(), session.Adapters.Select(a => a.Name).ToList());
        var (optimizer, groups) = OptimizerFactory.Create(trainable, stage, session.OwnOptimizerGroupsOf);
        long totalSteps = TotalSteps(stage, samples.Count);
        var groupInfo = groups.GroupBy(g => g.Side).Select(g => new ParameterGroupInfo(g.Key,
            g.Key == ParameterInventory.LlmSide ? stage.LearningRate.Llm : stage.LearningRate.Encoder,
            g.Sum(x => x.Group.Parameters.Sum(p => p.numel())))).ToList();
        var schedule = new GuardedSchedule(
            session.CreateSchedule(stage.Scheduler, new SchedulerBuildContext(totalSteps, groupInfo, session.CreateSchedule))
            ?? throw new PluginFailureException("scheduler", stage.Scheduler.Plugin, "while being built", new InvalidOperationException("it returned null instead of a schedule")),
            stage.Scheduler.Plugin, stage.Name);
        var order = new SampleOrder(samples.Count, session.Seed + 7919 * (stageIndex + 1));
        var evaluator = new Evaluator(session.Model, session.Collator, session.Device, session.EvalBatchSize, session.PrefetchBatches);
        EvalSubset? evalSubset = EvalSubset.ForStage(stage, session.Splits.Eval.Count, session.Seed, session.Log);
        var periodicEvalSamples = evalSubset?.Apply(session.Splits.Eval) ?? session.Splits.Eval;
        session.Log($"stage '{stage.Name}': {totalSteps} steps, batch {stage.BatchSize} x {stage.GradientAccumulation}, " +
                    $"{trainable.Sum(p => p.Parameter.numel()):N0} trainable parameters");

        session.Model.train();
        session.StageStarted?.Invoke(new StageStart(stage.Name, stageIndex, totalSteps));
        var clock = Stopwatch.StartNew();
        var progress = new StageProgress();
        var run = new StageRun(stage, stageIndex, totalSteps, samples, order, trainable, optimizer, groups, schedule, progress);
        using (optimizer)
        {
            if (session.Resume is { } resume && resume.Continues(stageIndex)) resume.Restore(run, session.Inventory, session.Log);
            if (progress.Step == 0) ActivateAdapters(stageIndex);
            // Made after a resume has moved the order to the checkpoint's position, so it prepares the same batches.
            bool fenceLapseReported = false;
            using var batches = new BatchPrefetcher(session.Collator, samples, order.UpcomingBatches(stage.BatchSize), session.PrefetchBatches);
            for (long step = progress.Step; step < totalSteps; step++)
            {
                int lapsesBefore = FinalizerFence.Lapses;
                StepResult result = FinalizerFence.Run(() => TrainStep(run, batches, step));
                if (FinalizerFence.Lapses > lapsesBefore && !fenceLapseReported)
                {
                    fenceLapseReported = true;
                    session.Log($"warning: [{stage.Name}] step {step + 1} allocated more managed memory than the paused collector had left " +
                        $"(at most {FinalizerFence.RegionBytes >> 20} MB; decoded media of every micro-batch count, including those prepared in the " +
                        "background), so garbage collection was not paused for all of it; lower batch_size, gradient_accumulation, " +
                        "data.prefetch_batches or the media sizes");
                }
                progress.Step = step + 1;
                progress.TokensSinceLog += result.Tokens;
                if (result.Skipped)
                {
                    progress.SkippedSteps++;
                    progress.ConsecutiveSkips++;
                    session.Log($"[{stage.Name}] step {step + 1}: non-finite loss or gradient norm ({result.Loss}, {result.GradientNorm}); step skipped");
                    if (progress.ConsecutiveSkips >= session.MaxConsecutiveSkips)
                        throw new InvalidOperationException($"stage '{stage.Name}' step {step + 1}: {progress.ConsecutiveSkips} steps in a row had a non-finite " +
                            $"loss or gradient norm and were skipped (run.max_consecutive_skips: {session.MaxConsecutiveSkips}); stopping");
                }
                else
                {
                    progress.ConsecutiveSkips = 0;
                    progress.LastLoss = result.Loss;
                    progress.LossSinceLog += result.Loss;
                    foreach (var (name, value) in result.AuxiliaryLosses)
                        progress.AuxiliaryLossSinceLog[name] = progress.AuxiliaryLossSinceLog.GetValueOrDefault(name) + value;
                    progress.StepsSinceLog++;
                }
                bool last = step == totalSteps - 1;
                if ((step + 1) % session.LogEvery == 0 || last)
                {
                    double seconds = Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                    var record = new Dictionary<string, object>
                    {
                        ["kind"] = "train", ["stage"] = stage.Name, ["step"] = step + 1, ["loss"] = progress.LossSinceLog / progress.StepsSinceLog,
                        ["grad_norm"] = double.IsFinite(result.GradientNorm) ? result.GradientNorm : 0.0, ["tokens_per_second"] = progress.TokensSinceLog / seconds,
                        ["skipped_steps"] = progress.SkippedSteps,
                    };
                    if (progress.StepsSinceLog == 0) record.Remove("loss"); // every step since the last record was skipped
                    else AddAuxiliaryLosses(record, progress);
                    foreach (var info in groupInfo) record[$"lr_{info.Name}"] = schedule.LearningRate(info.Name, step);
                    AddAdapterRates(record, groups);
                    foreach (var (name, value) in schedule.Metrics) record[name] = value;
                    session.Metrics.Write(record);
                    clock.Restart();
                    progress.ResetWindow();
                }
                session.StepCompleted?.Invoke(new StepReport(stage.Name, step + 1, totalSteps, result.Loss, result.Tokens));
                if (stage.Evaluate && stage.EvalEvery > 0 && (step + 1) % stage.EvalEvery == 0 && !last)
                    session.WriteEvaluation(stage.Name, step + 1, evaluator.Evaluate(periodicEvalSamples), subset: evalSubset is not null);
                if (!last) session.Checkpoints?.AfterStep(run);
            }
        }
        EvaluationResult? final = stage.Evaluate ? evaluator.Evaluate(session.Splits.Eval) : null;
        if (final is not null) session.WriteEvaluation(stage.Name, totalSteps, final);
        var summary = new StageSummary(stage.Name, totalSteps, progress.LastLoss, final);
        session.Checkpoints?.AtStageEnd(run, summary);
        return summary;
    }
}
