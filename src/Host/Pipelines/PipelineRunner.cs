using System.Diagnostics;
using System.Text.Json;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Data;
using Pipeline.Host.Reporting;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>Runs a loaded pipeline: data, model, then every stage in order; metrics go to the output directory.</summary>
public static class PipelineRunner
{
    /// <summary>Trains with plain progress lines (a line every <c>run.log_every</c> steps) sent to <paramref name="log"/>.</summary>
    public static RunResult Train(PipelineDefinition definition, Action<string> log) =>
        Train(definition, new PlainTrainingReporter(log, definition.Config.Run.LogEvery));

    public static RunResult Train(PipelineDefinition definition, ITrainingReporter reporter)
    {
        Action<string> log = reporter.Message;
        var clock = Stopwatch.StartNew();
        var config = definition.Config;
        if (config.Run.Threads > 0) set_num_threads(config.Run.Threads);
        Device device = DeviceResolver.Resolve(config.Run.Device);
        var (tokenizer, splits) = DataFactory.Load(definition);
        log($"data: {splits.Pretrain.Count} pretrain, {splits.Train.Count} train, {splits.Eval.Count} eval samples; vocabulary {tokenizer.VocabularySize}; device {device.type}");

        string output = definition.OutputDirectory;
        Directory.CreateDirectory(output);
        string metricsPath = Path.Combine(output, "metrics.jsonl");
        if (File.Exists(metricsPath))
            File.Move(metricsPath, Path.Combine(output, $"metrics.previous-{DateTime.UtcNow:yyyyMMddTHHmmss}.jsonl"));
        if (tokenizer is WordTokenizer words) words.Save(Path.Combine(output, "tokenizer.words.json"));

        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, device);
        using var metrics = new MetricsWriter(metricsPath);
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = device, Seed = config.Run.Seed,
            Collator = new BatchCollator(tokenizer, built.Model, built.Model.Llm.Options.MaxSequenceLength),
            EvalBatchSize = config.Data.EvalBatchSize, LogEvery = Math.Max(1, config.Run.LogEvery), Metrics = metrics,
            CreateSchedule = (selection, context) => CreateSchedule(definition, selection, context), Log = log,
            StageStarted = reporter.StageStarted, StepCompleted = reporter.StepCompleted,
        };
        var summaries = new List<StageSummary>();
        var trainer = new StageTrainer(session);
        for (int i = 0; i < config.Stages.Count; i++) summaries.Add(trainer.Run(config.Stages[i], i));

        var result = new RunResult(output, summaries, clock.Elapsed);
        WriteSummary(Path.Combine(output, "summary.json"), result, built);
        log($"done in {clock.Elapsed.TotalSeconds:F0} s; metrics in {metricsPath}");
        return result;
    }

    /// <summary>Builds the scheduler plugin a selection names; absent options mean the plugin's defaults.</summary>
    public static ILearningRateSchedule CreateSchedule(PipelineDefinition definition, PluginSelection selection, SchedulerBuildContext context)
    {
        var factory = definition.Catalog.GetScheduler(selection.Plugin);
        object options = selection.Options ?? Activator.CreateInstance(factory.OptionsType)!;
        try
        {
            return factory.Create(options, context);
        }
        catch (Exception e)
        {
            throw new PluginFailureException("scheduler", selection.Plugin, "while being built", e);
        }
    }

    private static void WriteSummary(string path, RunResult result, BuiltModel built)
    {
        var summary = new Dictionary<string, object>
        {
            ["elapsed_seconds"] = Math.Round(result.Elapsed.TotalSeconds, 1),
            ["parameters"] = built.Inventory.CountByComponent().ToDictionary(c => c.Component, c => (object)new { total = c.Total }),
            ["stages"] = result.Stages.Select(s => new
            {
                stage = s.Stage, steps = s.Steps, final_loss = s.FinalLoss,
                accuracy = s.Evaluation?.Accuracy, accuracy_by_category = s.Evaluation?.AccuracyByCategory, eval_loss = s.Evaluation?.Loss,
            }).ToList(),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }
}
