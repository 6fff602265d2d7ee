using Pipeline.Contracts.Options;
using Pipeline.Plugins.Adapters.Lora;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

public sealed class LoraOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_documented_values()
    {
        var options = new LoraOptions();

        options.Validate().Should().BeEmpty();
        (options.Rank, options.Alpha, options.Dropout, options.Scale).Should().Be((8, 16.0, 0.05, 2.0));
        options.Targets.Should().ContainKey("llm").WhoseValue.Should().Equal("q_proj", "v_proj");
    }

    public static TheoryData<LoraOptions, OptionError> InvalidOptions => new()
    {
        { new LoraOptions { Rank = 0 }, new OptionError("rank", "must be at least 1, got 0") },
        { new LoraOptions { Alpha = 0 }, new OptionError("alpha", "must be greater than 0, got 0") },
        { new LoraOptions { Alpha = -0.5 }, new OptionError("alpha", "must be greater than 0, got -0.5") },
        { new LoraOptions { Dropout = 1 }, new OptionError("dropout", "must be in [0, 1), got 1") },
        { new LoraOptions { Dropout = -0.1 }, new OptionError("dropout", "must be in [0, 1), got -0.1") },
        { new LoraOptions { Targets = [] }, new OptionError("targets", "must name at least one component and its site patterns, for example { llm: [q_proj, v_proj] }") },
        { new LoraOptions { Targets = new() { ["vision"] = [] } }, new OptionError("targets.vision", "must list at least one site pattern") },
        { new LoraOptions { Targets = new() { ["llm"] = ["q_proj", " "] } }, new OptionError("targets.llm", "contains an empty site pattern") },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void An_invalid_value_is_reported_under_its_yaml_key(LoraOptions options, OptionError expected)
    {
        options.Validate().Should().Equal(expected);
    }

    [Fact]
    public void Every_invalid_value_is_reported()
    {
        var options = new LoraOptions { Rank = -1, Alpha = double.NaN, Dropout = 1.5 };

        options.Validate().Select(e => e.Key).Should().Equal("rank", "alpha", "dropout");
    }
}
