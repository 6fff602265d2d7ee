using System.Text.Json;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Config;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// The tiny pipeline's first stage (<c>pretrain</c>, 6 steps, a train record per step, no evaluation) ready to run with
/// <see cref="StageTrainer"/> directly, with a schedule of the test's choosing in place of the plugin the stage names.
/// </summary>
public sealed class TinyStageSession : IDisposable
{
    private readonly TinyPipeline _pipeline = new();
    private readonly List<IDisposable> _owned = [];

    /// <param name="schedule">Builds the stage's schedule from the selection the YAML made (its plugin is the stage's scheduler).</param>
    /// <param name="overrides">More <c>--set</c> overrides.</param>
    public TinyStageSession(Func<PluginSelection, ILearningRateSchedule> schedule, NonFiniteAction onNonFinite = NonFiniteAction.Stop,
        IEnumerable<string>? overrides = null, Action<StepReport>? stepCompleted = null)
    {
        var definition = PipelineLoader.Load(_pipeline.ConfigPath,
            ["stages.0.steps=6", "stages.0.evaluate=false", "run.log_every=1", "data.synthetic.eval_per_category=1", .. overrides ?? []]);
        var (tokenizer, splits) = DataFactory.Load(definition);
        Built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var metrics = new MetricsWriter(MetricsPath);
        _owned.AddRange([Built, metrics]);
        Stage = definition.Config.Stages[0];
        Session = new TrainingSession
        {
            Model = Built.Model, Inventory = Built.Inventory, Splits = splits, Device = CPU, Seed = 1,
            Collator = new BatchCollator(tokenizer, Built.Model, 48), EvalBatchSize = 8, LogEvery = 1, Metrics = metrics,
            CreateSchedule = (selection, _) => schedule(selection), OnNonFinite = onNonFinite, Log = Log.Add, StepCompleted = stepCompleted,
            AdapterBlocks = definition.Config.Model.Adapters,
        };
    }

    public StageConfig Stage { get; }

    public TrainingSession Session { get; }

    public BuiltModel Built { get; }

    /// <summary>The progress lines the stage logged.</summary>
    public List<string> Log { get; } = [];

    public string MetricsPath => Path.Combine(_pipeline.OutputDirectory, "metrics.jsonl");

    /// <summary>Runs the stage.</summary>
    public StageSummary Run() => new StageTrainer(Session).Run(Stage, 0);

    /// <summary>The <c>train</c> records written so far.</summary>
    public List<JsonElement> TrainRecords() => File.ReadAllLines(MetricsPath).Select(l => JsonDocument.Parse(l).RootElement)
        .Where(r => r.GetProperty("kind").GetString() == "train").ToList();

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
        _pipeline.Dispose();
    }
}
