using Pipeline.Contracts.Options;
using Pipeline.Plugins.Schedulers;
using static Pipeline.Plugins.Tests.Schedulers.StageContexts;

namespace Pipeline.Plugins.Tests.Schedulers;

public sealed class ConstantScheduleTests
{
    [Theory]
    [InlineData(0, 0, "llm", LlmBase)]
    [InlineData(0, 9, "encoder", EncoderBase)]
    [InlineData(4, 0, "llm", 0.25 * LlmBase)]
    [InlineData(4, 1, "encoder", 0.5 * EncoderBase)]
    [InlineData(4, 2, "llm", 0.75 * LlmBase)]
    [InlineData(4, 3, "encoder", EncoderBase)]
    [InlineData(4, 9, "llm", LlmBase)]
    [InlineData(4, 50, "llm", LlmBase)]
    public void The_rate_is_the_group_base_after_a_linear_warmup(int warmupSteps, long step, string group, double expected)
    {
        var schedule = new ConstantScheduleFactory().Create(new ConstantScheduleOptions { WarmupSteps = warmupSteps }, TwoGroups(10));

        schedule.LearningRate(group, step).Should().BeApproximately(expected, 1e-15);
    }

    [Fact]
    public void An_unknown_group_or_a_negative_step_is_refused()
    {
        var schedule = new ConstantScheduleFactory().Create(new ConstantScheduleOptions(), TwoGroups(10));

        schedule.Invoking(s => s.LearningRate("vision", 0)).Should().Throw<ArgumentException>()
            .WithMessage("no parameter group 'vision'; groups: llm, encoder");
        schedule.Invoking(s => s.LearningRate("llm", -1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_negative_warmup_is_reported_under_its_yaml_key()
    {
        new ConstantScheduleOptions { WarmupSteps = -3 }.Validate().Should().Equal(new OptionError("warmup_steps", "must be at least 0, got -3"));
        new ConstantScheduleOptions().Validate().Should().BeEmpty();
    }
}
