using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// The step observation a measuring schedule (CoMMIT) receives: with no group updated it reproduces the model before the
/// step, with every group updated the model after it, and it leaves the model at its after-step values.
/// </summary>
public sealed class SnapshotStepObservationTests
{
    [Fact]
    public void Observation_reruns_the_batch_with_before_and_after_step_parameter_groups()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["stages.0.steps=2", "stages.0.evaluate=false"]);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        using var metrics = new MetricsWriter(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"));
        var probe = new ProbeSchedule();
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = CPU, Seed = 1,
            Collator = new BatchCollator(tokenizer, built.Model, 48), EvalBatchSize = 32, LogEvery = 10, Metrics = metrics,
            CreateSchedule = (_, _) => probe,
        };

        new StageTrainer(session).Run(definition.Config.Stages[0], 0);

        probe.Observed.Should().BeTrue();
        probe.Groups.Should().Equal("encoder", "llm");
        probe.NoneUpdatedMatchesBeforeStep.Should().BeTrue("with no group updated the rerun is the model before the step");
        probe.AllUpdatedDiffersFromBefore.Should().BeTrue("the step changed the model");
        probe.AllUpdatedIsRepeatable.Should().BeTrue("a mixed rerun must restore the after-step parameters");
        probe.MixedDiffersFromBoth.Should().BeTrue("updating one side only is neither the old nor the new model");
    }

    private sealed class ProbeSchedule : ILearningRateSchedule
    {
        private Tensor? _beforeStep;

        public bool Observed { get; private set; }
        public IReadOnlyList<string> Groups { get; private set; } = [];
        public bool NoneUpdatedMatchesBeforeStep { get; private set; }
        public bool AllUpdatedDiffersFromBefore { get; private set; }
        public bool AllUpdatedIsRepeatable { get; private set; }
        public bool MixedDiffersFromBoth { get; private set; }

        public double LearningRate(string group, long step) => 1e-2;

        public bool WantsObservation(long step) => step == 1;

        public Tensor? AuxiliaryLoss(Tensor answerLogits)
        {
            _beforeStep?.Dispose();
            _beforeStep = answerLogits.detach().log_softmax(-1).clone().DetachFromDisposeScope();
            return null;
        }

        public void Observe(IStepObservation observation)
        {
            Observed = true;
            Groups = observation.Groups;
            using var none = observation.AnswerLogProbabilities([]);
            using var all = observation.AnswerLogProbabilities(["encoder", "llm"]);
            using var llmOnly = observation.AnswerLogProbabilities(["llm"]);
            using var allAgain = observation.AnswerLogProbabilities(["encoder", "llm"]);
            NoneUpdatedMatchesBeforeStep = allclose(none, _beforeStep!, atol: 1e-4);
            AllUpdatedDiffersFromBefore = !allclose(all, _beforeStep!, atol: 1e-4);
            AllUpdatedIsRepeatable = allclose(all, allAgain, atol: 1e-6);
            MixedDiffersFromBoth = !allclose(llmOnly, none, atol: 1e-4) && !allclose(llmOnly, all, atol: 1e-4);
        }
    }
}
