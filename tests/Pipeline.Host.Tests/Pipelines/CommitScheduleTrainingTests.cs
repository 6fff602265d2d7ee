using System.Text.Json;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>The <c>commit</c> schedule in a real tiny pipeline: found as a plugin, bound from YAML, measured and logged.</summary>
public sealed class CommitScheduleTrainingTests
{
    private static readonly string CommitYaml = TinyPipeline.Yaml.Replace("""
            scheduler:
              plugin: warmup_cosine
              options: { warmup_steps: 2 }
        """, """
            scheduler:
              plugin: commit
              options:
                measure_every: 5
                update_every: 10
                base: { plugin: warmup_cosine, options: { warmup_steps: 2 } }
        """);

    private const double BaseRate = 5e-3;

    private static List<JsonElement> Records(TinyPipeline pipeline, string kind, string stage) =>
        File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("kind").GetString() == kind && r.GetProperty("stage").GetString() == stage)
            .ToList();

    private static double Number(JsonElement record, string name) => record.GetProperty(name).GetDouble();

    [Fact]
    public void Every_measurement_writes_kappa_kbar_multipliers_and_rates_and_the_loss_falls()
    {
        CommitYaml.Should().Contain("plugin: commit");
        using var pipeline = new TinyPipeline(CommitYaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath,
            ["stages.0.evaluate=false", "stages.1.steps=40", $"stages.1.learning_rate.encoder={BaseRate}", $"stages.1.learning_rate.llm={BaseRate}"]);

        PipelineRunner.Train(definition, _ => { });

        var measurements = Records(pipeline, "schedule", "instruct");
        measurements.Select(r => r.GetProperty("step").GetInt64()).Should().Equal(5, 10, 15, 20, 25, 30, 35, 40);
        measurements.Should().OnlyContain(r => Number(r, "commit_active") == 1);

        // The cosine reaches rate 0 at the last step: neither side changes the answers, so that measurement is skipped.
        var last = measurements[^1];
        (Number(last, "lr_encoder"), Number(last, "lr_llm"), Number(last, "commit_kl_encoder"), Number(last, "commit_kl_llm")).Should().Be((0.0, 0.0, 0.0, 0.0));
        last.TryGetProperty("commit_kappa", out var _).Should().BeFalse();
        (Number(last, "commit_measurements"), Number(last, "commit_skipped_measurements")).Should().Be((7.0, 1.0));
        Number(last, "commit_kbar").Should().Be(Number(measurements[^2], "commit_kbar"));

        var informative = measurements[..^1];
        informative.Should().OnlyContain(r => Number(r, "commit_kl_encoder") > 0 && Number(r, "commit_kl_llm") > 0);
        var kappas = informative.Select(r => Number(r, "commit_kappa")).ToList();
        kappas.Should().OnlyContain(k => k > 0 && k < 1);

        // kbar: the first kappa, then the moving average (beta 0.9).
        double kbar = kappas[0];
        for (int i = 0; i < informative.Count; i++)
        {
            if (i > 0) kbar = 0.9 * kbar + 0.1 * kappas[i];
            Number(informative[i], "commit_kbar").Should().BeApproximately(kbar, 1e-12);
        }

        // The multipliers change after steps 10, 20, 30, 40 only, and then follow kbar.
        Number(measurements[0], "commit_multiplier_encoder").Should().Be(1);
        Number(measurements[0], "commit_multiplier_llm").Should().Be(1);
        var atTen = measurements[1];
        double encoderMultiplier = Math.Clamp(0.5 / Number(atTen, "commit_kbar"), 0.1, 10);
        double llmMultiplier = Math.Clamp(0.5 / (1 - Number(atTen, "commit_kbar")), 0.1, 10);
        Number(atTen, "commit_multiplier_encoder").Should().BeApproximately(encoderMultiplier, 1e-12);
        Number(atTen, "commit_multiplier_llm").Should().BeApproximately(llmMultiplier, 1e-12);
        Number(measurements[2], "commit_multiplier_encoder").Should().Be(Number(atTen, "commit_multiplier_encoder"));

        // The rate logged for step 15 (index 14) is the base cosine (warmup 2, 40 steps) times the multiplier.
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * (14 - 2) / (39 - 2)));
        Number(measurements[2], "lr_encoder").Should().BeApproximately(BaseRate * cosine * encoderMultiplier, 1e-15);
        Number(measurements[2], "lr_llm").Should().BeApproximately(BaseRate * cosine * llmMultiplier, 1e-15);
        Number(atTen, "lr_encoder").Should().BeApproximately(BaseRate * 0.5 * (1 + Math.Cos(Math.PI * 7 / 37)), 1e-15,
            "step 10 itself still ran at multiplier 1");

        var losses = Records(pipeline, "train", "instruct").Select(r => Number(r, "loss")).ToList();
        losses.Should().HaveCount(8);
        losses.Last().Should().BeLessThan(losses.First() * 0.8, "instruction tuning under CoMMIT must learn: losses were {0}", string.Join(", ", losses));
    }

    [Fact]
    public void With_only_llm_adapters_training_the_schedule_stays_inactive_and_measures_nothing()
    {
        using var pipeline = new TinyPipeline(CommitYaml.Replace("trainable: [adapters, projectors]", "trainable: [adapters]"));
        var definition = PipelineLoader.Load(pipeline.ConfigPath,
            ["stages.0.steps=2", "stages.0.evaluate=false", "stages.1.steps=10", "stages.1.evaluate=false"]);

        PipelineRunner.Train(definition, _ => { });

        Records(pipeline, "schedule", "instruct").Should().BeEmpty();
        var train = Records(pipeline, "train", "instruct");
        train.Should().HaveCount(2).And.OnlyContain(r => Number(r, "commit_active") == 0 && Number(r, "commit_multiplier_llm") == 1);
        train.Where(r => r.TryGetProperty("commit_kappa", out _)).Should().BeEmpty();
    }

    [Fact]
    public void An_update_interval_that_is_not_a_multiple_of_the_measurement_interval_is_a_configuration_error()
    {
        using var pipeline = new TinyPipeline(CommitYaml.Replace("update_every: 10", "update_every: 12"));

        var act = () => PipelineLoader.Load(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml").Should().Be(
            "pipeline.yaml:42:23: stages[1].scheduler.options.update_every: must be a multiple of measure_every (5), got 12");
    }
}
