using System.Diagnostics;
using System.Text.Json;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Data;
using Pipeline.Host.Reporting;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Runs a loaded pipeline: data, model and sample checks (before anything is written), then every stage in order;
/// metrics go to the output directory (<c>metrics.jsonl</c>, and TensorBoard event files in <c>tensorboard/</c>).
/// </summary>
public static class PipelineRunner
{
    /// <summary>Trains with plain progress lines (a line every <c>run.log_every</c> steps) sent to <paramref name="log"/>.</summary>
    public static RunResult Train(PipelineDefinition definition, Action<string> log, bool resume = false) =>
        Train(definition, new PlainTrainingReporter(log, definition.Config.Run.LogEvery), resume);

    /// <summary>
    /// Trains every stage, reporting progress to <paramref name="reporter"/>. With <paramref name="resume"/>, continues
    /// the run in the output directory from its latest checkpoint (docs/CHECKPOINTS.md); without it, refuses an output
    /// directory that already holds checkpoints.
    /// </summary>
    public static RunResult Train(PipelineDefinition definition, ITrainingReporter reporter, bool resume = false)
    {
        Action<string> log = reporter.Message;
        var clock = Stopwatch.StartNew();
        var config = definition.Config;
        // Places the run cannot write are refused before anything is read or changed (a folder in the way, read-only).
        OutputLocations.CheckTraining(definition);
        ResumePoint? resumePoint = CheckpointStartup.Prepare(definition, resume, log);
        if (config.Run.Threads > 0) set_num_threads(config.Run.Threads);
        var resolved = DeviceResolver.Resolve(config.Run.Device);
        Device device = resolved.Device;
        log(resolved.Description);
        // Data, model and every sample check come before the output directory is touched: bad input or a failing
        // plugin must never disturb what an earlier run left there.
        var data = DataPreparation.Read(definition, log);
        var tokenizer = data.Tokenizer;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, device);
        var (report, collator) = DataPreparation.Check(definition, data, built.Model, log);
        using var splits = report.Splits;
        BatchFit.Check(definition, built, splits, collator, device, Pipeline.Host.IO.AvailableMemory.Read(), log);
        var dataFingerprint = DataFingerprint.Of(splits, tokenizer);

        string output = definition.OutputDirectory;
        string metricsPath = Path.Combine(output, "metrics.jsonl");
        string tensorBoardPath = Path.Combine(output, TensorBoardWriter.FolderName);
        var precision = new FrozenWeightPrecision(built.Model, built.Inventory, config.Model);
        if (resumePoint is not null)
        {
            // Whether the checkpoint still fits the data, the metrics file and the model is known before anything is written.
            ResumeChecks.CheckData(resumePoint, dataFingerprint, config.Stages, log);
            ResumeChecks.CheckMetrics(resumePoint, metricsPath);
            precision.ReplayBeforeResume(config.Stages.Take(resumePoint.FirstStageIndex).Select(s => (IReadOnlyList<string>)s.Trainable));
            log($"loaded {resumePoint.LoadWeights(built.Model).Loaded.Count} trained tensors from {resumePoint.Name}");
        }

        Directory.CreateDirectory(output);
        CheckpointStartup.RemoveLeftovers(definition, resumePoint, log);
        if (resumePoint is not null)
        {
            resumePoint.CutMetrics(metricsPath, log);
            resumePoint.CutTensorBoard(tensorBoardPath, log);
        }
        else
        {
            // An earlier run's records are kept aside, never mixed with this run's.
            string previous = $"previous-{DateTime.UtcNow:yyyyMMddTHHmmss}";
            if (File.Exists(metricsPath)) File.Move(metricsPath, Path.Combine(output, $"metrics.{previous}.jsonl"));
            if (Directory.Exists(tensorBoardPath)) Directory.Move(tensorBoardPath, $"{tensorBoardPath}.{previous}");
        }
        if (tokenizer is WordTokenizer words) words.Save(Path.Combine(output, "tokenizer.words.json"));

        foreach (string line in built.LoadedWeights.SelectMany(r => r.Describe())) log(line);
        var stageSteps = config.Stages.Zip(StageTrainer.TotalSteps(config.Stages, splits), (stage, steps) => (stage.Name, steps));
        var tensorBoard = config.Run.Tensorboard ? new TensorBoardWriter(tensorBoardPath, new TensorBoardScalars(stageSteps)) : null;
        using var metrics = new MetricsWriter(metricsPath, tensorBoard);
        // A resumed run's metrics file already holds the data records, ahead of the checkpoint's position.
        if (resumePoint is null) foreach (var record in report.MetricsRecords()) metrics.Write(record);
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = device, Seed = config.Run.Seed,
            Collator = collator, Precision = precision,
            Activity = new AdapterActivity(config.Stages, built.Adapters.Select(a => a.Name)), Adapters = built.Adapters, AdapterBlocks = config.Model.Adapters,
            EvalBatchSize = config.Data.EvalBatchSize, PrefetchBatches = config.Data.PrefetchBatches, LogEvery = Math.Max(1, config.Run.LogEvery), Metrics = metrics,
            CreateSchedule = (selection, context) => CreateSchedule(definition, selection, context), Log = log,
            Checkpoints = Checkpointer.ForRun(definition, splits, metrics, built.Inventory, resumePoint, log, dataFingerprint), Resume = resumePoint,
            OnNonFinite = config.Run.OnNonFinite, MaxConsecutiveSkips = config.Run.MaxConsecutiveSkips,
            StageStarted = reporter.StageStarted, StepCompleted = reporter.StepCompleted,
        };
        var summaries = new List<StageSummary>(resumePoint?.State.CompletedStages ?? []);
        var trainer = new StageTrainer(session);
        int firstStage = resumePoint?.FirstStageIndex ?? 0;
        if (firstStage >= config.Stages.Count) log($"the run is complete ({resumePoint!.Name} ends its last stage); nothing to resume");
        for (int i = firstStage; i < config.Stages.Count; i++) summaries.Add(trainer.Run(config.Stages[i], i));

        var result = new RunResult(output, summaries, clock.Elapsed);
        WriteSummary(Path.Combine(output, "summary.json"), result, built, config.Stages);
        log($"done in {clock.Elapsed.TotalSeconds:F0} s; metrics in {metricsPath}");
        return result;
    }

    /// <summary>
    /// Builds the scheduler plugin a selection names, with the options bound when the pipeline was loaded (every
    /// selection read from the YAML, including defaults such as an absent <c>scheduler</c> or commit's <c>base</c>, is
    /// bound and validated then, never again here). A selection without options can only come from plugin code that made
    /// one at run time; it gets the plugin's defaults.
    /// </summary>
    public static ILearningRateSchedule CreateSchedule(PipelineDefinition definition, PluginSelection selection, SchedulerBuildContext context)
    {
        var factory = definition.Catalog.GetScheduler(selection.Plugin);
        object options = selection.Options ?? Activator.CreateInstance(factory.OptionsType)!;
        try
        {
            return factory.Create(options, context) ?? throw new InvalidOperationException("it returned null instead of a schedule");
        }
        catch (Exception e)
        {
            throw new PluginFailureException("scheduler", selection.Plugin, "while being built", e);
        }
    }

    private static void WriteSummary(string path, RunResult result, BuiltModel built, IReadOnlyList<Config.StageConfig> stages)
    {
        // What each stage trains, counted without touching requires_grad (the run is over; this is for reports).
        long TrainableIn(string stage) => stages.FirstOrDefault(s => s.Name == stage) is { } config
            ? built.Inventory.All.Where(p => built.Inventory.IsTrainableIn(p.Name, config.Trainable)).Sum(p => p.Parameter.numel())
            : 0;
        var summary = new Dictionary<string, object>
        {
            ["elapsed_seconds"] = Math.Round(result.Elapsed.TotalSeconds, 1),
            ["parameters"] = built.Inventory.CountByComponent().ToDictionary(c => c.Component, c => (object)new { total = c.Total }),
            ["stages"] = result.Stages.Select(s => new
            {
                stage = s.Stage, steps = s.Steps, final_loss = s.FinalLoss, trainable_parameters = TrainableIn(s.Stage),
                accuracy = s.Evaluation?.Accuracy, accuracy_by_category = s.Evaluation?.AccuracyByCategory, eval_loss = s.Evaluation?.Loss,
                statistics = s.Evaluation?.Statistics,
            }).ToList(),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }
}
