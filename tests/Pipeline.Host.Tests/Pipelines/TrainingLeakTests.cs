using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;

namespace Pipeline.Host.Tests.Pipelines;

public sealed class TrainingLeakTests
{
    [Fact]
    public void Live_tensor_count_does_not_grow_over_many_training_steps()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["stages.0.steps=60", "stages.0.evaluate=false", "stages.1.steps=1", "stages.1.evaluate=false"]);
        var liveAfterStep = new Dictionary<long, long>();
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, torch.CPU);
        using var metrics = new MetricsWriter(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"));
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = torch.CPU, Seed = 1,
            Collator = new BatchCollator(tokenizer, built.Model, 48), EvalBatchSize = 32, LogEvery = 10, Metrics = metrics,
            CreateSchedule = (selection, context) => PipelineRunner.CreateSchedule(definition, selection, context),
            StepCompleted = report => liveAfterStep[report.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount,
        };

        new StageTrainer(session).Run(definition.Config.Stages[0], 0);

        // Optimizer state is created on the first step; from then on every step must free all it makes.
        liveAfterStep[60].Should().Be(liveAfterStep[5], "steps 6 to 60 must not leave tensors behind");
    }
}
