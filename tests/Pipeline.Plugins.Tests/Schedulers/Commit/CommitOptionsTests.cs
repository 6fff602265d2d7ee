using Pipeline.Contracts.Options;
using Pipeline.Contracts.Schedulers;
using Pipeline.Plugins.Schedulers.Commit;
using static Pipeline.Plugins.Tests.Schedulers.Commit.CommitStages;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

public sealed class CommitOptionsTests
{
    [Fact]
    public void The_defaults_are_the_methods_values_and_valid()
    {
        var options = new CommitOptions();

        options.Base.Should().Be(new PluginSelection { Plugin = "warmup_cosine" });
        (options.MeasureEvery, options.UpdateEvery, options.EmaBeta, options.Gamma).Should().Be((10, 50, 0.9, 1.0));
        (options.MultiplierMin, options.MultiplierMax, options.AuxWeight, options.Epsilon).Should().Be((0.1, 10.0, 0.01, 1e-12));
        options.Validate().Should().BeEmpty();
    }

    public static TheoryData<CommitOptions, OptionError> InvalidOptions => new()
    {
        { new CommitOptions { Base = new PluginSelection { Plugin = "commit" } }, new OptionError("base.plugin", "cannot be commit itself; name the schedule to scale, for example warmup_cosine") },
        { new CommitOptions { MeasureEvery = 0 }, new OptionError("measure_every", "must be at least 1, got 0") },
        { new CommitOptions { UpdateEvery = 0 }, new OptionError("update_every", "must be at least 1, got 0") },
        { new CommitOptions { UpdateEvery = 25 }, new OptionError("update_every", "must be a multiple of measure_every (10), got 25") },
        { new CommitOptions { EmaBeta = 1 }, new OptionError("ema_beta", "must be in [0, 1), got 1") },
        { new CommitOptions { Gamma = -0.5 }, new OptionError("gamma", "must be a finite number at least 0, got -0.5") },
        { new CommitOptions { MultiplierMin = 0 }, new OptionError("multiplier_min", "must be a finite number greater than 0, got 0") },
        { new CommitOptions { MultiplierMax = 0.05 }, new OptionError("multiplier_max", "must be a finite number at least multiplier_min (0.1), got 0.05") },
        { new CommitOptions { AuxWeight = -0.01 }, new OptionError("aux_weight", "must be a finite number at least 0, got -0.01") },
        { new CommitOptions { Epsilon = double.NaN }, new OptionError("epsilon", "must be a finite number at least 0, got NaN") },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void An_invalid_value_is_reported_under_its_yaml_key(CommitOptions options, OptionError expected)
    {
        options.Validate().Should().Equal(expected);
    }

    [Fact]
    public void The_factory_builds_the_base_schedule_the_options_select()
    {
        PluginSelection? built = null;
        var selection = new PluginSelection { Plugin = "constant", Options = new Pipeline.Plugins.Schedulers.ConstantScheduleOptions { WarmupSteps = 4 } };
        var context = new SchedulerBuildContext(20, BothSides, (s, c) =>
        {
            built = s;
            return new Pipeline.Plugins.Schedulers.ConstantScheduleFactory().Create(s.Options!, c);
        });

        var schedule = new CommitScheduleFactory().Create(new CommitOptions { Base = selection }, context);

        built.Should().BeSameAs(selection);
        schedule.LearningRate("llm", 1).Should().Be(LlmBase * 0.5);
    }
}
