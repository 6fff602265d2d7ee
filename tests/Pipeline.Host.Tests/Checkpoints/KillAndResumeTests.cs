using System.Diagnostics;
using System.Text.Json;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// The guarantee of docs/CHECKPOINTS.md, tested on the real host: a training process killed with SIGKILL between two
/// checkpoints and then resumed with <c>train --resume</c> ends with the metrics, summary and weights of a run of the
/// same configuration that was never interrupted, bit for bit.
/// </summary>
public sealed class KillAndResumeTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);

    /// <summary>
    /// Two stages of 12 and 24 steps, checkpoints every 10 steps of a stage and at each stage end: at global steps 10,
    /// 12, 22, 32 and 36. One intra-op thread, so that the two processes run side by side on two cores.
    /// </summary>
    private static readonly string Yaml = TinyPipeline.Yaml
        .Replace("  log_every: 5", "  log_every: 1\n  threads: 1\n  checkpoint: { every: 10, keep_last: 2 }")
        .Replace("steps: 30", "steps: 12")
        .Replace("steps: 10", "steps: 24")
        .Replace("eval_per_category: 10", "eval_per_category: 2")
        .Replace("dropout: 0.0", "dropout: 0.1");

    [Fact]
    [Trait("Category", "Process")]
    public void A_host_killed_between_checkpoints_and_resumed_ends_exactly_as_an_uninterrupted_one()
    {
        File.Exists(HostProcess.HostAssembly).Should().BeTrue($"the build copies the host to {HostProcess.HostAssembly}");
        using var pipeline = new TinyPipeline(Yaml);
        string reference = Path.Combine(pipeline.Directory, "reference"), killed = Path.Combine(pipeline.Directory, "killed");
        var clock = Stopwatch.StartNew();

        using var uninterrupted = HostProcess.Start(pipeline.Directory, "train", pipeline.ConfigPath, "--set", "run.output_dir=reference");
        using (var victim = HostProcess.Start(pipeline.Directory, "train", pipeline.ConfigPath, "--set", "run.output_dir=killed"))
        {
            // Kill one step after the stage-1 checkpoint at its step 10 (global 22): nine steps before the next one.
            WaitFor(victim, () => LastTrainStep(killed, "instruct") >= 11);
            victim.Kill();
        }
        long lost = LastTrainStep(killed, "instruct");
        string latest = new CheckpointStore(Path.Combine(killed, "checkpoints")).Latest()!;
        latest.Should().Be("checkpoint-000022", "the kill came after stage 1 step {0}, before its next checkpoint", lost);
        lost.Should().BeInRange(11, 19, "the killed run must have done steps after its latest checkpoint that resuming redoes");

        using (var resumed = HostProcess.Start(pipeline.Directory, "train", pipeline.ConfigPath, "--resume", "--set", "run.output_dir=killed"))
        {
            resumed.WaitForExit(RunLimit).Should().Be(0, resumed.Output);
            resumed.Output.Should().Contain("resumed from checkpoint-000022: stage 'instruct' continues after step 10 of 24");
        }
        uninterrupted.WaitForExit(RunLimit).Should().Be(0, uninterrupted.Output);

        RunFiles.ShouldMatch(killed, reference);
        clock.Elapsed.Should().BeLessThan(RunLimit);
    }

    /// <summary>The last <c>train</c> record's step in <paramref name="stage"/>, or 0 (a half-written last line is ignored).</summary>
    private static long LastTrainStep(string outputDirectory, string stage)
    {
        string path = Path.Combine(outputDirectory, "metrics.jsonl");
        if (!File.Exists(path)) return 0;
        long last = 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            try
            {
                using var record = JsonDocument.Parse(line);
                if (record.RootElement.GetProperty("kind").GetString() == "train" && record.RootElement.GetProperty("stage").GetString() == stage)
                    last = record.RootElement.GetProperty("step").GetInt64();
            }
            catch (JsonException)
            {
                // The line is still being written.
            }
        }
        return last;
    }

    private static void WaitFor(HostProcess process, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited) throw new InvalidOperationException($"the host exited (code {process.ExitCode}) before it could be killed:\n{process.Output}");
            if (clock.Elapsed > RunLimit) throw new TimeoutException($"no progress within {RunLimit}:\n{process.Output}");
            Thread.Sleep(5);
        }
    }
}
