using System.Text.Json.Nodes;
using Pipeline.Host.Interop;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Checkpoints;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// An adapter in a run (contracts 1.6): off in the stages before the first stage that trains it, activated once when that
/// stage starts (not again on a resume inside it), and evaluated and exported as it ran at a checkpoint's stage.
/// </summary>
public sealed class AdapterActivityTrainingTests(ProbeRun run) : IClassFixture<ProbeRun>
{
    private static readonly string ActivatedWithoutGradients = ProbeAdapterFactory.Activated(gradients: false);

    /// <summary>The <c>train</c> and <c>eval</c> records of <paramref name="stage"/>, without the clock-dependent field.</summary>
    private static List<string> Records(string outputDirectory, string stage) =>
        RunFiles.Metrics(outputDirectory)
            .Where(line => JsonNode.Parse(line)!["stage"]?.GetValue<string>() == stage)
            .ToList();

    /// <summary>The stage whose start line (<c>stage 'NAME': N steps, ...</c>) comes last before <paramref name="index"/> in the log.</summary>
    private static string StageAt(List<string> log, int index) =>
        log.Take(index).Last(line => line.StartsWith("stage '", StringComparison.Ordinal) && line.Contains(" steps, batch "))
            .Split('\'')[1];

    [Fact]
    public void Pretraining_with_the_adapter_off_writes_the_metrics_of_the_pipeline_without_it()
    {
        // The probe is no identity (scale 0.5 on a query projection): had it run, pretraining would have gone differently.
        string yaml = TinyPipeline.Yaml[..TinyPipeline.Yaml.IndexOf("  adapters:", StringComparison.Ordinal)] +
                      TinyPipeline.Yaml[TinyPipeline.Yaml.IndexOf("data:", StringComparison.Ordinal)..];
        using var plain = new TinyPipeline(yaml);
        PipelineRunner.Train(PipelineLoader.Load(plain.ConfigPath, ProbeRun.Overrides), _ => { });

        var pretrain = Records(run.Pipeline.OutputDirectory, "pretrain");
        pretrain.Should().HaveCount(5, "4 train records and the stage's evaluation");
        pretrain.Should().Equal(Records(plain.OutputDirectory, "pretrain"));
        Records(run.Pipeline.OutputDirectory, "instruct").Should().NotEqual(Records(plain.OutputDirectory, "instruct"), "from instruct on the probe runs");
        run.Log.Should().Contain($"stage 'pretrain': adapter {ProbeRun.AdapterName} off until the first stage that trains it");
    }

    [Fact]
    public void The_adapter_is_activated_once_without_gradients_when_the_first_stage_that_trains_it_starts()
    {
        run.Log.Count(line => line.StartsWith("activated", StringComparison.Ordinal)).Should().Be(1);
        int activation = run.Log.IndexOf(ActivatedWithoutGradients);
        activation.Should().BePositive("Activate runs with gradients off");
        StageAt(run.Log, activation).Should().Be("instruct");
    }

    [Fact]
    public void A_run_resumed_inside_that_stage_does_not_activate_it_again_and_ends_as_the_uninterrupted_run()
    {
        var (resumed, log) = run.ResumeFrom(6);

        log.Should().Contain(line => line.StartsWith("resumed from checkpoint-000006"));
        log.Should().NotContain(line => line.StartsWith("activated", StringComparison.Ordinal), "the checkpoint holds the activated values");
        RunFiles.ShouldMatch(resumed, run.Pipeline.OutputDirectory);
    }

    [Fact]
    public void A_run_resumed_from_the_end_of_the_previous_stage_activates_it_when_the_stage_starts()
    {
        var (resumed, log) = run.ResumeFrom(4);

        log.Count(line => line.StartsWith("activated", StringComparison.Ordinal)).Should().Be(1);
        StageAt(log, log.IndexOf(ActivatedWithoutGradients)).Should().Be("instruct");
        RunFiles.ShouldMatch(resumed, run.Pipeline.OutputDirectory);
    }

    [Fact]
    public void Eval_of_a_checkpoint_runs_the_adapter_as_training_did_at_that_checkpoint()
    {
        var definition = run.Load(run.Pipeline.OutputDirectory, _ => { });
        double EvalLossOf(string stage) => JsonNode.Parse(Records(run.Pipeline.OutputDirectory, stage)
            .Last(line => line.Contains("\"kind\":\"eval\"")))!["eval_loss"]!.GetValue<double>();

        var pretrain = CheckpointEvaluation.Run(definition, run.Checkpoint(4));
        var instruct = CheckpointEvaluation.Run(definition, run.Checkpoint(8));

        pretrain.Evaluation.Loss.Should().Be(EvalLossOf("pretrain"), "the probe was off when pretraining evaluated");
        instruct.Evaluation.Loss.Should().Be(EvalLossOf("instruct"));
    }

    [Fact]
    public void Export_of_a_checkpoint_before_the_adapter_trained_is_refused()
    {
        var definition = run.Load(run.Pipeline.OutputDirectory, _ => { });
        string output = Path.Combine(run.Pipeline.Directory, "export-pretrain");
        var options = new ExportOptions { OutputDirectory = output, Format = ExportFormat.Adapters, Checkpoint = run.Checkpoint(4) };

        var act = () => ModelExport.Run(definition, options, _ => { });

        act.Should().Throw<InvalidOperationException>().Which.Message.Should().Be(
            $"adapter 'probe' has not trained at checkpoint '{run.Checkpoint(4)}': it was written in stage 'pretrain', and the first " +
            "stage that trains 'probe' is 'instruct'; export a checkpoint of that stage or later");
        Directory.Exists(output).Should().BeFalse();
    }
}
