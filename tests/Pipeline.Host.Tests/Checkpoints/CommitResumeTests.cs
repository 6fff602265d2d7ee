using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// The tiny two-stage run with CoMMIT scheduling stage 1 (a measurement every 2 steps, new multipliers every 4), trained
/// once without interruption; its mid-stage checkpoint at global step 16 (stage 1 step 6) carries CoMMIT's moving
/// average and the multipliers set at stage-1 step 4.
/// </summary>
public sealed class UninterruptedCommitRun : IDisposable
{
    public static readonly string[] Overrides =
    [
        .. UninterruptedTinyRun.Overrides.Where(o => !o.StartsWith("run.checkpoint.every=", StringComparison.Ordinal)),
        "run.checkpoint.every=6",
        "stages.1.scheduler.plugin=commit",
        "stages.1.scheduler.options={measure_every: 2, update_every: 4, base: {plugin: warmup_cosine, options: {warmup_steps: 2}}}",
    ];

    public UninterruptedCommitRun()
    {
        Pipeline = new TinyPipeline();
        PipelineRunner.Train(Load(Pipeline.OutputDirectory), _ => { });
    }

    public TinyPipeline Pipeline { get; }

    public PipelineDefinition Load(string outputDirectory) =>
        PipelineLoader.Load(Pipeline.ConfigPath, [.. Overrides, $"run.output_dir={outputDirectory}"]);

    public void Dispose() => Pipeline.Dispose();
}

public sealed class CommitResumeTests(UninterruptedCommitRun reference) : IClassFixture<UninterruptedCommitRun>
{
    [Fact]
    public void A_run_resumed_mid_stage_keeps_the_schedules_state_and_ends_exactly_as_the_uninterrupted_run()
    {
        var schedule = RunFiles.Metrics(reference.Pipeline.OutputDirectory).Where(line => line.Contains("\"kind\":\"schedule\"")).ToList();
        schedule.Should().HaveCount(4, "stage 1 measures after steps 2, 4, 6 and 8");
        schedule[2].Should().Contain("\"commit_multiplier_encoder\":").And.NotContain("\"commit_multiplier_encoder\":1,",
            "multipliers set at step 4 are in force when the checkpoint at step 6 is written");
        string resumed = Path.Combine(reference.Pipeline.Directory, "resumed-commit");
        RunFiles.Copy(reference.Pipeline.OutputDirectory, resumed);
        File.WriteAllText(Path.Combine(resumed, "checkpoints", "latest"), "checkpoint-000016\n");

        PipelineRunner.Train(reference.Load(resumed), _ => { }, resume: true);

        RunFiles.ShouldMatch(resumed, reference.Pipeline.OutputDirectory);
    }
}
