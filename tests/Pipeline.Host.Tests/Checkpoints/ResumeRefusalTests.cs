using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>A tiny run trained through the command line: checkpoints at global steps 1, 2 (end of stage 0) and 3 (end).</summary>
public sealed class TrainedTinyRun : IDisposable
{
    public static readonly string[] Settings =
    [
        "--set", "stages.0.steps=2", "--set", "stages.1.steps=1", "--set", "data.synthetic.eval_per_category=2", "--set", "run.checkpoint.every=1",
    ];

    public TrainedTinyRun()
    {
        Pipeline = new TinyPipeline();
        var (exitCode, _, error) = ConsoleCapture.Run(["train", Pipeline.ConfigPath, .. Settings]);
        exitCode.Should().Be(0, error);
    }

    public TinyPipeline Pipeline { get; }

    /// <summary>Every file of the output directory with its length and last write time.</summary>
    public List<string> Snapshot() =>
        Directory.GetFiles(Pipeline.OutputDirectory, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(Pipeline.OutputDirectory, f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f).Ticks}")
            .Order(StringComparer.Ordinal)
            .ToList();

    public void Dispose() => Pipeline.Dispose();
}

public sealed class ResumeRefusalTests(TrainedTinyRun run) : IClassFixture<TrainedTinyRun>
{
    [Fact]
    public void A_fresh_train_into_an_output_directory_with_checkpoints_is_refused_before_anything_changes()
    {
        var before = run.Snapshot();

        var (exitCode, _, error) = ConsoleCapture.Run(["train", run.Pipeline.ConfigPath, .. TrainedTinyRun.Settings]);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Trim().Should().Be($"error: run.output_dir '{run.Pipeline.OutputDirectory}' already holds checkpoints of a run (latest: checkpoint-000003); " +
            $"nothing was changed. To continue that run: pipeline train {run.Pipeline.ConfigPath} --resume. To start a new one, choose another " +
            $"run.output_dir (for example --set run.output_dir=...) or delete {Path.Combine(run.Pipeline.OutputDirectory, "checkpoints")}");
        run.Snapshot().Should().Equal(before);
    }

    [Fact]
    public void Resuming_with_a_changed_configuration_is_refused_naming_what_changed()
    {
        var before = run.Snapshot();

        var (exitCode, _, error) = ConsoleCapture.Run(["train", run.Pipeline.ConfigPath, "--resume", .. TrainedTinyRun.Settings,
            "--set", "stages.0.batch_size=8", "--set", "model.llm.rope_theta=500"]);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Should().StartWith("error: cannot resume from checkpoint-000003: the training configuration differs from the one it was written with (fingerprint ")
            .And.Contain("): model.llm.rope_theta: '10000' in the checkpoint, '500' now; stages[0].batch_size: '16' in the checkpoint, '8' now. " +
                "Resume with the original configuration (same YAML and --set overrides), or start a new run in another run.output_dir");
        run.Snapshot().Should().Equal(before);
    }

    [Fact]
    public void Resuming_where_there_is_no_checkpoint_says_there_is_nothing_to_resume()
    {
        string empty = Path.Combine(run.Pipeline.Directory, "never-trained");

        var (exitCode, _, error) = ConsoleCapture.Run(["train", run.Pipeline.ConfigPath, "--resume", "--set", $"run.output_dir={empty}"]);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Trim().Should().Be($"error: nothing to resume: {Path.Combine(empty, "checkpoints")} holds no checkpoint (it has no 'latest' file). " +
            $"Run without --resume to start training into {empty}");
        Directory.Exists(empty).Should().BeFalse();
    }
}
