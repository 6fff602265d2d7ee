using System.Text.Json;
using Pipeline.Contracts.Runtime;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Config;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// A schedule that poisons chosen steps (0-based): a NaN auxiliary loss gives NaN gradients while the task loss stays
/// finite. (A NaN learning rate is refused by the trainer before the optimizer sees it: see <see cref="ScheduleFailureTests"/>.)
/// </summary>
internal sealed class PoisonedSchedule(IReadOnlySet<long> nanGradientSteps) : ILearningRateSchedule
{
    private long _step;

    public double LearningRate(string group, long step)
    {
        _step = step;
        return 1e-3;
    }

    public Tensor? AuxiliaryLoss(Tensor answerLogits) => nanGradientSteps.Contains(_step) ? answerLogits.sum() * double.NaN : null;
}

public sealed class NonFiniteStepTests : IDisposable
{
    private readonly TinyPipeline _pipeline = new();
    private readonly List<string> _log = [];
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
        _pipeline.Dispose();
    }

    private (StageConfig Stage, TrainingSession Session, BuiltModel Built) Setup(PoisonedSchedule schedule, NonFiniteAction action, int maxSkips = 5,
        bool checkpoints = false, Action<StepReport>? stepCompleted = null, params string[] overrides)
    {
        var definition = PipelineLoader.Load(_pipeline.ConfigPath,
            ["stages.0.steps=6", "stages.0.evaluate=false", "run.log_every=1", "run.checkpoint.every=1", "data.synthetic.eval_per_category=1", .. overrides]);
        var (tokenizer, splits) = DataFactory.Load(definition);
        var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var metrics = new MetricsWriter(Path.Combine(_pipeline.OutputDirectory, "metrics.jsonl"));
        _owned.AddRange([built, metrics]);
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = CPU, Seed = 1,
            Collator = new BatchCollator(tokenizer, built.Model, 48), EvalBatchSize = 8, LogEvery = 1, Metrics = metrics,
            CreateSchedule = (_, _) => schedule, OnNonFinite = action, MaxConsecutiveSkips = maxSkips, Log = _log.Add,
            Checkpoints = checkpoints ? Checkpointer.ForRun(definition, splits, metrics, built.Inventory, null, _log.Add) : null,
            StepCompleted = stepCompleted,
        };
        return (definition.Config.Stages[0], session, built);
    }

    private List<JsonElement> TrainRecords() =>
        File.ReadAllLines(Path.Combine(_pipeline.OutputDirectory, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void Skip_drops_the_gradients_of_a_non_finite_step_leaves_the_weights_alone_and_counts_it()
    {
        var weights = new Dictionary<long, Tensor>();
        Parameter? watched = null;
        var (stage, session, built) = Setup(new PoisonedSchedule(new HashSet<long> { 1, 2 }), NonFiniteAction.Skip,
            stepCompleted: report => weights[report.Step] = FinalizerFence.Run(() => watched!.detach().clone()));
        watched = built.Inventory.All.First(p => p.Name.StartsWith("llm.", StringComparison.Ordinal)).Parameter;

        new StageTrainer(session).Run(stage, 0);

        var records = TrainRecords();
        records.Select(r => r.GetProperty("skipped_steps").GetInt64()).Should().Equal(0, 1, 2, 2, 2, 2);
        records.Select(r => r.TryGetProperty("loss", out _)).Should().Equal(true, false, false, true, true, true);
        _log.Should().Contain(line => line.StartsWith("[pretrain] step 2: non-finite loss or gradient norm"));
        weights[3].allclose(weights[1], rtol: 0, atol: 0).Should().BeTrue("skipped steps 2 and 3 must not change the weights");
        weights[4].allclose(weights[3], rtol: 0, atol: 0).Should().BeFalse("step 4 trains again");
        CheckpointTensors.FirstNonFinite(built.Inventory.All.Select(p => (p.Name, (Tensor)p.Parameter))).Should().BeNull();
        foreach (var tensor in weights.Values) tensor.Dispose();
    }

    [Fact]
    public void Stop_is_the_default_and_names_the_stage_and_step()
    {
        var (stage, session, _) = Setup(new PoisonedSchedule(new HashSet<long> { 2 }), NonFiniteAction.Stop);

        var run = () => new StageTrainer(session).Run(stage, 0);

        run.Should().Throw<InvalidOperationException>().WithMessage("stage 'pretrain' step 3: the gradient norm is NaN (non-finite gradients in *); stopping before the weights are corrupted");
        new RunOptions().OnNonFinite.Should().Be(NonFiniteAction.Stop);
    }

    [Fact]
    public void Stop_names_a_non_finite_loss_read_once_per_step_with_gradient_accumulation()
    {
        Parameter? poisoned = null;
        var (stage, session, built) = Setup(new PoisonedSchedule(new HashSet<long>()), NonFiniteAction.Stop,
            stepCompleted: report =>
            {
                if (report.Step != 2) return;
                using var noGrad = no_grad();
                poisoned!.fill_(double.NaN);
            }, overrides: ["stages.0.gradient_accumulation=2"]);
        poisoned = built.Inventory.All.First(p => p.Name.StartsWith("llm.", StringComparison.Ordinal)).Parameter;

        var run = () => new StageTrainer(session).Run(stage, 0);

        // The losses of both micro-batches are read after their backward passes; the loss, not the gradient norm, is named.
        run.Should().Throw<InvalidOperationException>().WithMessage("stage 'pretrain' step 3: the loss is NaN; stopping before the weights are corrupted");
    }

    [Fact]
    public void Skip_stops_anyway_after_max_consecutive_skips()
    {
        var (stage, session, _) = Setup(new PoisonedSchedule(new HashSet<long> { 2, 3, 4 }), NonFiniteAction.Skip, maxSkips: 3);

        var run = () => new StageTrainer(session).Run(stage, 0);

        run.Should().Throw<InvalidOperationException>().WithMessage(
            "stage 'pretrain' step 5: 3 steps in a row had a non-finite loss or gradient norm and were skipped (run.max_consecutive_skips: 3); stopping");
    }

    [Fact]
    public void A_checkpoint_of_non_finite_weights_is_refused_and_latest_keeps_the_last_finite_one()
    {
        Parameter? poisoned = null;
        // Weights gone NaN after step 3 (as a diverged run's would), before that step's checkpoint is written.
        var (stage, session, built) = Setup(new PoisonedSchedule(new HashSet<long>()), NonFiniteAction.Stop, checkpoints: true,
            stepCompleted: report =>
            {
                if (report.Step != 3) return;
                using var noGrad = no_grad();
                poisoned!.fill_(double.NaN);
            });
        poisoned = built.Inventory.All.First(p => p.Name.StartsWith("llm.", StringComparison.Ordinal)).Parameter;

        var run = () => new StageTrainer(session).Run(stage, 0);

        run.Should().Throw<InvalidOperationException>().WithMessage(
            "stage 'pretrain' step 3: '*' holds non-finite values; checkpoint checkpoint-000003 was not written (the latest complete one is kept)");
        File.ReadAllText(Path.Combine(_pipeline.OutputDirectory, "checkpoints", "latest")).Should().Be("checkpoint-000002\n");
        Directory.GetDirectories(Path.Combine(_pipeline.OutputDirectory, "checkpoints")).Select(Path.GetFileName)
            .Should().BeEquivalentTo("checkpoint-000001", "checkpoint-000002");
    }
}
