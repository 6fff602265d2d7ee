using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>A tiny two-stage run trained once without interruption; tests resume copies of it from its checkpoints.</summary>
public class UninterruptedTinyRun : IDisposable
{
    /// <summary>
    /// Checkpoints every 4 steps: stage 0 (10 steps, 2 micro-batches each) at global steps 4, 8 and 10 (its end),
    /// stage 1 (8 steps, LoRA with dropout, evaluation every 3 steps on a fixed 4 of the 6 held-out samples) at 14 and
    /// 18 (its end).
    /// </summary>
    public static readonly string[] Overrides =
    [
        "run.log_every=1", "run.checkpoint.every=4", "run.checkpoint.keep_last=50", "data.synthetic.eval_per_category=2",
        "stages.0.steps=10", "stages.0.gradient_accumulation=2", "stages.1.steps=8", "stages.1.eval_every=3", "stages.1.eval_samples=4",
        "model.adapters.0.options.dropout=0.1",
    ];

    private readonly string[] _extraOverrides;

    public UninterruptedTinyRun() : this([])
    {
    }

    /// <param name="extraOverrides">Overrides after <see cref="Overrides"/>, for variants of the run.</param>
    protected UninterruptedTinyRun(string[] extraOverrides)
    {
        _extraOverrides = extraOverrides;
        Pipeline = new TinyPipeline();
        PipelineRunner.Train(Load(Pipeline.OutputDirectory), _ => { });
    }

    public TinyPipeline Pipeline { get; }

    /// <summary>The run's definition with its output in <paramref name="outputDirectory"/>.</summary>
    public PipelineDefinition Load(string outputDirectory) =>
        PipelineLoader.Load(Pipeline.ConfigPath, [.. Overrides, .. _extraOverrides, $"run.output_dir={outputDirectory}"]);

    /// <summary>
    /// Simulates a crash right after <paramref name="checkpoint"/> (a copy of the finished run whose <c>latest</c> is put
    /// back to it) and resumes it with <c>--resume</c>; returns the copy's directory and the resumed run's log.
    /// </summary>
    public (string Directory, List<string> Log) ResumeFrom(string checkpoint)
    {
        string resumed = Path.Combine(Pipeline.Directory, "resumed-" + checkpoint);
        RunFiles.Copy(Pipeline.OutputDirectory, resumed);
        File.WriteAllText(Path.Combine(resumed, "checkpoints", "latest"), checkpoint + "\n");
        var log = new List<string>();
        PipelineRunner.Train(Load(resumed), log.Add, resume: true);
        return (resumed, log);
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class ResumeTests(UninterruptedTinyRun reference) : IClassFixture<UninterruptedTinyRun>
{
    [Fact]
    public void The_uninterrupted_run_kept_every_checkpoint_and_latest_names_the_last()
    {
        Directory.GetDirectories(Path.Combine(reference.Pipeline.OutputDirectory, "checkpoints")).Select(Path.GetFileName)
            .Should().BeEquivalentTo("checkpoint-000004", "checkpoint-000008", "checkpoint-000010", "checkpoint-000014", "checkpoint-000018");
        File.ReadAllText(Path.Combine(reference.Pipeline.OutputDirectory, "checkpoints", "latest")).Should().Be("checkpoint-000018\n");
        File.Exists(Path.Combine(reference.Pipeline.OutputDirectory, "checkpoints", "checkpoint-000010", "optimizer.safetensors"))
            .Should().BeFalse("a stage-end checkpoint holds no optimizer state: the next stage starts a fresh one");
    }

    [Fact]
    public void The_uninterrupted_run_evaluated_its_second_stage_every_3_steps_on_the_subset_and_at_its_end_on_the_whole_split()
    {
        RunFiles.Metrics(reference.Pipeline.OutputDirectory)
            .Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject())
            .Where(r => (string?)r["kind"] == "eval")
            .Select(r => $"{r["stage"]} {r["step"]} {r["samples"]} {r["subset"]?.ToJsonString() ?? "-"}")
            .Should().Equal("pretrain 10 6 -", "instruct 3 4 true", "instruct 6 4 true", "instruct 8 6 -");
    }

    /// <summary>
    /// Simulates a crash right after <paramref name="checkpoint"/>: a copy of the finished run whose <c>latest</c> is put
    /// back to it, so everything after it (metrics lines, newer checkpoint directories) is what a killed process would
    /// have left. Resuming must cut and redo all of it and end bit-identical to the run that was never interrupted.
    /// </summary>
    [Theory]
    [InlineData("checkpoint-000004")] // mid-stage 0: AdamW moments, data order, metrics window
    [InlineData("checkpoint-000010")] // end of stage 0: stage 1 starts from it
    [InlineData("checkpoint-000014")] // mid-stage 1: LoRA dropout draws from the restored generator
    public void A_run_resumed_from_a_checkpoint_ends_exactly_as_the_uninterrupted_run(string checkpoint)
    {
        var (resumed, log) = reference.ResumeFrom(checkpoint);

        log.Should().Contain(line => line.StartsWith($"resumed from {checkpoint}"));
        log.Should().Contain(line => line.StartsWith("removed what an interrupted run left") && line.Contains("checkpoint-000018"));
        log.Should().Contain(line => line.StartsWith("tensorboard: removed ") && line.EndsWith($" events written after {checkpoint}"));
        Directory.GetFiles(Path.Combine(resumed, "tensorboard")).Should().HaveCount(2, "the resumed run continues in an event file of its own");
        RunFiles.ShouldMatch(resumed, reference.Pipeline.OutputDirectory);
    }

    [Fact]
    public void Resuming_a_finished_run_trains_nothing_and_keeps_its_metrics()
    {
        string resumed = Path.Combine(reference.Pipeline.Directory, "resumed-finished");
        RunFiles.Copy(reference.Pipeline.OutputDirectory, resumed);
        var log = new List<string>();

        var result = PipelineRunner.Train(reference.Load(resumed), log.Add, resume: true);

        log.Should().Contain("the run is complete (checkpoint-000018 ends its last stage); nothing to resume");
        result.Stages.Select(s => s.Stage).Should().Equal("pretrain", "instruct");
        RunFiles.ShouldMatch(resumed, reference.Pipeline.OutputDirectory);
    }
}
