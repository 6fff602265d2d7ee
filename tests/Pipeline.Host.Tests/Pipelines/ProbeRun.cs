using Pipeline.Contracts.Adapters;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Checkpoints;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// The tiny two-stage pipeline (pretrain trains the LLM, encoders and projectors; instruct trains adapters and projectors)
/// with its LoRA replaced by a <see cref="ProbeAdapterFactory"/> named <c>probe</c>, trained once: 4 + 4 steps of 4 samples,
/// checkpoints every 2 steps (2, 4 = the end of pretrain, 6, 8 = the end of instruct).
/// </summary>
public sealed class ProbeRun : IDisposable
{
    public const string AdapterName = "probe";

    public static readonly string[] Overrides =
    [
        "run.log_every=1", "run.checkpoint.every=2", "run.checkpoint.keep_last=50",
        "data.synthetic.pretrain_per_category=8", "data.synthetic.train_per_category=8", "data.synthetic.eval_per_category=2",
        "stages.0.steps=4", "stages.0.batch_size=4", "stages.1.steps=4", "stages.1.batch_size=4",
    ];

    public ProbeRun()
    {
        Pipeline = new TinyPipeline();
        Log = Train(Pipeline.OutputDirectory);
    }

    public TinyPipeline Pipeline { get; }

    /// <summary>The uninterrupted run's log, with the probe's activation among its lines.</summary>
    public List<string> Log { get; }

    /// <summary>The directory of the checkpoint written at <paramref name="step"/> (global optimizer step).</summary>
    public string Checkpoint(int step) => Path.Combine(Pipeline.OutputDirectory, "checkpoints", $"checkpoint-{step:D6}");

    /// <summary>The pipeline with the probe in place of the YAML's adapter, its output in <paramref name="outputDirectory"/>; the probe records to <paramref name="record"/>.</summary>
    public PipelineDefinition Load(string outputDirectory, Action<string> record)
    {
        var definition = PipelineLoader.Load(Pipeline.ConfigPath, [.. Overrides, $"run.output_dir={outputDirectory}"]);
        var yamlAdapter = definition.Adapters.Single();
        return new PipelineDefinition
        {
            Document = definition.Document, Config = definition.Config, Catalog = definition.Catalog, Encoders = definition.Encoders,
            Adapters = [new ConfiguredPlugin<IAdapterFactory>(AdapterName, AdapterName, new ProbeAdapterFactory(record), new object(), yamlAdapter.Node)],
        };
    }

    /// <summary>Trains into <paramref name="outputDirectory"/>; returns the log with the probe's records in it.</summary>
    public List<string> Train(string outputDirectory, bool resume = false)
    {
        var log = new List<string>();
        PipelineRunner.Train(Load(outputDirectory, log.Add), log.Add, resume);
        return log;
    }

    /// <summary>
    /// Simulates a crash right after the checkpoint of <paramref name="step"/> (a copy of the finished run whose
    /// <c>latest</c> is put back to it) and resumes it; returns the copy's directory and the resumed run's log.
    /// </summary>
    public (string Directory, List<string> Log) ResumeFrom(int step)
    {
        string resumed = Path.Combine(Pipeline.Directory, $"resumed-{step}");
        RunFiles.Copy(Pipeline.OutputDirectory, resumed);
        File.WriteAllText(Path.Combine(resumed, "checkpoints", "latest"), Path.GetFileName(Checkpoint(step)) + "\n");
        return (resumed, Train(resumed, resume: true));
    }

    public void Dispose() => Pipeline.Dispose();
}
