using Pipeline.Contracts.Options;
using Pipeline.Plugins.Schedulers;
using static Pipeline.Plugins.Tests.Schedulers.StageContexts;

namespace Pipeline.Plugins.Tests.Schedulers;

public sealed class WarmupCosineScheduleTests
{
    // 11 steps, warmup 2: warmup at steps 0 and 1, then the cosine runs over steps 2 .. 10 (8 intervals),
    // so step 4 is at a quarter (cos(pi/4)), step 6 halfway and step 10 at the end.
    private const double CosQuarter = 0.85355339059327373; // (1 + cos(pi / 4)) / 2
    private const double CosThreeQuarters = 0.14644660940672624; // (1 - cos(pi / 4)) / 2

    [Theory]
    [InlineData(0.0, 0, "llm", 0.5 * LlmBase)]
    [InlineData(0.0, 1, "llm", LlmBase)]
    [InlineData(0.0, 2, "llm", LlmBase)]
    [InlineData(0.0, 4, "llm", CosQuarter * LlmBase)]
    [InlineData(0.0, 6, "llm", 0.5 * LlmBase)]
    [InlineData(0.0, 8, "llm", CosThreeQuarters * LlmBase)]
    [InlineData(0.0, 10, "llm", 0.0)]
    [InlineData(0.0, 15, "llm", 0.0)]
    [InlineData(0.0, 0, "encoder", 0.5 * EncoderBase)]
    [InlineData(0.0, 4, "encoder", CosQuarter * EncoderBase)]
    [InlineData(0.0, 6, "encoder", 0.5 * EncoderBase)]
    [InlineData(0.1, 6, "llm", 0.55 * LlmBase)]
    [InlineData(0.1, 10, "encoder", 0.1 * EncoderBase)]
    [InlineData(0.1, 0, "encoder", 0.5 * EncoderBase)]
    public void Warmup_then_half_cosine_to_the_minimum_at_the_last_step(double minRatio, long step, string group, double expected)
    {
        var options = new WarmupCosineOptions { WarmupSteps = 2, MinLearningRateRatio = minRatio };
        var schedule = new WarmupCosineScheduleFactory().Create(options, TwoGroups(11));

        schedule.LearningRate(group, step).Should().BeApproximately(expected, 1e-15);
    }

    [Theory]
    [InlineData(0, LlmBase / 3)] // 0.25 of 10 steps is 2.5, rounded to 3 warmup steps
    [InlineData(2, LlmBase)]
    [InlineData(6, 0.5 * LlmBase)] // cosine over steps 3 .. 9, halfway at 6
    [InlineData(9, 0.0)]
    public void A_warmup_fraction_is_rounded_to_the_nearest_step(long step, double expected)
    {
        var schedule = new WarmupCosineScheduleFactory().Create(new WarmupCosineOptions { WarmupFraction = 0.25 }, TwoGroups(10));

        ((WarmupCosineSchedule)schedule).WarmupSteps.Should().Be(3);
        schedule.LearningRate("llm", step).Should().BeApproximately(expected, 1e-15);
    }

    [Fact]
    public void Without_warmup_the_first_step_uses_the_base_rate()
    {
        var schedule = new WarmupCosineScheduleFactory().Create(new WarmupCosineOptions(), TwoGroups(5));

        schedule.LearningRate("encoder", 0).Should().Be(EncoderBase);
        schedule.LearningRate("encoder", 2).Should().BeApproximately(0.5 * EncoderBase, 1e-15);
        schedule.LearningRate("encoder", 4).Should().BeApproximately(0.0, 1e-15);
    }

    [Fact]
    public void A_decay_of_one_step_stays_at_the_base_rate()
    {
        var schedule = new WarmupCosineScheduleFactory().Create(new WarmupCosineOptions { WarmupSteps = 2 }, TwoGroups(3));

        schedule.LearningRate("llm", 2).Should().Be(LlmBase);
    }

    public static TheoryData<WarmupCosineOptions, OptionError> InvalidOptions => new()
    {
        { new WarmupCosineOptions { WarmupSteps = -1 }, new OptionError("warmup_steps", "must be at least 0, got -1") },
        { new WarmupCosineOptions { WarmupFraction = 1 }, new OptionError("warmup_fraction", "must be in [0, 1), got 1") },
        { new WarmupCosineOptions { WarmupFraction = -0.1 }, new OptionError("warmup_fraction", "must be in [0, 1), got -0.1") },
        { new WarmupCosineOptions { WarmupSteps = 5, WarmupFraction = 0.1 }, new OptionError("warmup_fraction", "cannot be combined with warmup_steps; set one of them") },
        { new WarmupCosineOptions { MinLearningRateRatio = 1.5 }, new OptionError("min_learning_rate_ratio", "must be in [0, 1], got 1.5") },
        { new WarmupCosineOptions { MinLearningRateRatio = -0.01 }, new OptionError("min_learning_rate_ratio", "must be in [0, 1], got -0.01") },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void An_invalid_value_is_reported_under_its_yaml_key(WarmupCosineOptions options, OptionError expected)
    {
        options.Validate().Should().Equal(expected);
    }

    [Fact]
    public void The_defaults_and_the_extremes_of_each_range_are_valid()
    {
        new WarmupCosineOptions().Validate().Should().BeEmpty();
        new WarmupCosineOptions { WarmupFraction = 0.999, MinLearningRateRatio = 1 }.Validate().Should().BeEmpty();
    }
}
