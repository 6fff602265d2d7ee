using Pipeline.Contracts.Options;
using Pipeline.Plugins.Adapters.Mole;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

public sealed class MoleOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_documented_values()
    {
        var options = new MoleOptions();

        options.Validate().Should().BeEmpty();
        (options.Experts, options.Rank, options.Alpha, options.Dropout, options.Scale).Should().Be((3, 16, 32.0, 0.05, 2.0));
        (options.RouterGradient, options.BalanceWeight, options.Dispatch).Should().Be((RouterGradient.StraightThrough, 0.01, ExpertDispatch.Sparse));
        options.ExpertTargets.Should().ContainKey("llm").WhoseValue.Should().Equal("mlp");
        options.LoraTargets.Should().ContainKey("llm").WhoseValue.Should().Equal("q_proj", "k_proj", "v_proj", "o_proj");
    }

    public static TheoryData<MoleOptions, OptionError> InvalidOptions => new()
    {
        { new MoleOptions { Experts = 0 }, new OptionError("experts", "must be at least 1, got 0") },
        { new MoleOptions { Rank = 0 }, new OptionError("rank", "must be at least 1, got 0") },
        { new MoleOptions { Alpha = -1 }, new OptionError("alpha", "must be greater than 0, got -1") },
        { new MoleOptions { Dropout = 1 }, new OptionError("dropout", "must be in [0, 1), got 1") },
        { new MoleOptions { RouterGradient = (RouterGradient)7 }, new OptionError("router_gradient", "must be straight_through or balance_only") },
        { new MoleOptions { BalanceWeight = -0.5 }, new OptionError("balance_weight", "must be 0 or greater, got -0.5") },
        { new MoleOptions { Dispatch = (ExpertDispatch)7 }, new OptionError("dispatch", "must be sparse or dense") },
        { new MoleOptions { ExpertTargets = [] }, new OptionError("expert_targets", "must name at least one component and its feed-forward block patterns, for example { llm: [mlp] }") },
        { new MoleOptions { ExpertTargets = new() { ["llm"] = [] } }, new OptionError("expert_targets.llm", "must list at least one site pattern") },
        { new MoleOptions { LoraTargets = new() { ["vision"] = ["q_proj", ""] } }, new OptionError("lora_targets.vision", "contains an empty site pattern") },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void An_invalid_value_is_reported_under_its_yaml_key(MoleOptions options, OptionError expected)
    {
        options.Validate().Should().Equal(expected);
    }

    [Fact]
    public void No_plain_lora_is_a_valid_choice()
    {
        new MoleOptions { LoraTargets = [] }.Validate().Should().BeEmpty();
    }
}
