using Pipeline.Contracts.Options;
using Pipeline.Plugins.Adapters.Mma;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

public sealed class MmaOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_are_LaVINs_7B_values_on_the_llm()
    {
        var options = new MmaOptions();

        options.Validate().Should().BeEmpty();
        (options.Bottleneck, options.Groups, options.Temperature, options.Scale, options.Dropout).Should().Be((8, 2, 10.0, 1.0, 0.1));
        options.Targets.Should().ContainKey("llm").WhoseValue.Should().Equal("attn_input");
        options.ModalityToken.Should().BeNull();
        options.UsesModalityToken.Should().BeTrue("the token is on by default whenever the llm is targeted");
    }

    [Fact]
    public void Without_routing_the_modality_token_defaults_to_off_and_can_be_switched_off_explicitly()
    {
        var unrouted = new MmaOptions { Routing = false };

        new MmaOptions().Routing.Should().BeTrue("routing is LaVIN's method and the default");
        unrouted.Validate().Should().BeEmpty();
        unrouted.UsesModalityToken.Should().BeFalse("no router would read the token");
        (unrouted with { ModalityToken = false }).Validate().Should().BeEmpty();
    }

    [Fact]
    public void The_modality_token_defaults_to_off_without_the_llm_and_can_be_switched_off()
    {
        new MmaOptions { Targets = new() { ["vision"] = ["attn_input"] } }.UsesModalityToken.Should().BeFalse();
        new MmaOptions { ModalityToken = false }.UsesModalityToken.Should().BeFalse();
        new MmaOptions { ModalityToken = true }.UsesModalityToken.Should().BeTrue();
    }

    public static TheoryData<MmaOptions, OptionError> InvalidOptions => new()
    {
        { new MmaOptions { Bottleneck = 0 }, new OptionError("bottleneck", "must be at least 1, got 0") },
        { new MmaOptions { Groups = 0 }, new OptionError("groups", "must be at least 1, got 0") },
        { new MmaOptions { Groups = 3 }, new OptionError("groups", "must divide bottleneck (8), got 3") },
        { new MmaOptions { Temperature = 0 }, new OptionError("temperature", "must be a finite number greater than 0, got 0") },
        { new MmaOptions { Temperature = double.PositiveInfinity }, new OptionError("temperature", "must be a finite number greater than 0, got Infinity") },
        { new MmaOptions { Scale = double.NaN }, new OptionError("scale", "must be a finite number, got NaN") },
        { new MmaOptions { Dropout = 1 }, new OptionError("dropout", "must be in [0, 1), got 1") },
        { new MmaOptions { Dropout = -0.1 }, new OptionError("dropout", "must be in [0, 1), got -0.1") },
        { new MmaOptions { Targets = [] }, new OptionError("targets", "must name at least one component and its attention-input patterns, for example { llm: [attn_input] }") },
        { new MmaOptions { Targets = new() { ["vision"] = [] } }, new OptionError("targets.vision", "must list at least one attention-input pattern, for example [attn_input]") },
        { new MmaOptions { Targets = new() { ["llm"] = ["attn_input", ""] } }, new OptionError("targets.llm", "contains an empty attention-input pattern") },
        {
            new MmaOptions { ModalityToken = true, Targets = new() { ["vision"] = ["attn_input"] } },
            new OptionError("modality_token", "needs 'llm' in targets: the token acts only through the LLM's routers")
        },
        {
            new MmaOptions { Routing = false, ModalityToken = true },
            new OptionError("modality_token", "must be false with routing: false: the token acts only through the routers")
        },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void An_invalid_value_is_reported_under_its_yaml_key(MmaOptions options, OptionError expected)
    {
        options.Validate().Should().Equal(expected);
    }

    [Fact]
    public void Every_invalid_value_is_reported()
    {
        var options = new MmaOptions { Bottleneck = -1, Temperature = -2, Dropout = 2 };

        options.Validate().Select(e => e.Key).Should().Equal("bottleneck", "temperature", "dropout");
    }
}
