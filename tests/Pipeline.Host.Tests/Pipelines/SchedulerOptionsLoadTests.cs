using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Cli;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Cli;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>Scheduler options, like encoder and adapter options, are bound and validated when the pipeline is loaded.</summary>
public sealed class SchedulerOptionsLoadTests
{
    private static string WithInstructScheduler(string scheduler) => TinyPipeline.Yaml.Replace("""
            scheduler:
              plugin: warmup_cosine
              options: { warmup_steps: 2 }
        """, scheduler);

    private static readonly string CommitWithDefaultBase = WithInstructScheduler("""
            scheduler:
              plugin: commit
              options: { measure_every: 5, update_every: 10 }
        """);

    private static readonly string CommitWithBadBase = WithInstructScheduler("""
            scheduler:
              plugin: commit
              options:
                base: { plugin: warmup_cosine, options: { warmup_steps: -3 } }
        """);

    [Fact]
    public void An_absent_stage_scheduler_gets_its_default_plugins_options_at_load()
    {
        using var pipeline = new TinyPipeline();

        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        var scheduler = definition.Config.Stages[0].Scheduler;
        scheduler.Plugin.Should().Be("constant");
        scheduler.Options.Should().NotBeNull().And.Subject.GetType().Name.Should().Be("ConstantScheduleOptions");
    }

    [Fact]
    public void An_absent_nested_base_schedule_gets_its_default_plugins_options_at_load()
    {
        CommitWithDefaultBase.Should().Contain("plugin: commit");
        using var pipeline = new TinyPipeline(CommitWithDefaultBase);

        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        object commit = definition.Config.Stages[1].Scheduler.Options!;
        var wrapped = (PluginSelection)commit.GetType().GetProperty("Base")!.GetValue(commit)!;
        wrapped.Plugin.Should().Be("warmup_cosine");
        wrapped.Options.Should().NotBeNull().And.Subject.GetType().Name.Should().Be("WarmupCosineOptions");
    }

    [Fact]
    public void Validate_reports_a_bad_option_of_a_nested_base_schedule_at_its_position()
    {
        CommitWithBadBase.Should().Contain("warmup_steps: -3");
        using var pipeline = new TinyPipeline(CommitWithBadBase);

        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath);

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be(
            $"{pipeline.ConfigPath}:41:65: stages[1].scheduler.options.base.options.warmup_steps: must be at least 0, got -3");
    }

    [Fact]
    public void A_default_scheduler_is_fingerprinted_as_before_defaults_were_bound_so_older_checkpoints_resume()
    {
        using var absent = new TinyPipeline();
        using var written = new TinyPipeline(TinyPipeline.Yaml.Replace("    steps: 30\n", "    steps: 30\n    scheduler: { plugin: constant }\n"));

        var defaulted = ConfigFingerprint.Of(PipelineLoader.Load(absent.ConfigPath)).Values;
        var explicitly = ConfigFingerprint.Of(PipelineLoader.Load(written.ConfigPath)).Values;

        (defaulted["stages[0].scheduler.plugin"], defaulted["stages[0].scheduler.options"]).Should().Be(("constant", "null"));
        explicitly.Should().Contain("stages[0].scheduler.options.warmup_steps", "0").And.NotContainKey("stages[0].scheduler.options");
    }
}
