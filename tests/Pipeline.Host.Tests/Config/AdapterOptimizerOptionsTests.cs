using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Config;

/// <summary>An adapter block's <c>lr_scale</c> and <c>weight_decay</c>: their defaults, and bad values refused at the key.</summary>
public sealed class AdapterOptimizerOptionsTests
{
    private static TinyPipeline WithAdapterLine(string line) => new(TinyPipeline.Yaml.Replace("- plugin: lora", $"- plugin: lora\n      {line}"));

    [Fact]
    public void Without_the_keys_the_adapter_trains_at_its_sides_rate_with_the_stages_decay()
    {
        using var pipeline = new TinyPipeline();

        var block = PipelineLoader.Load(pipeline.ConfigPath).Config.Model.Adapters[0];

        (block.LrScale, block.WeightDecay, block.HasOwnOptimizerGroups).Should().Be((1.0, (double?)null, false));
    }

    [Fact]
    public void The_keys_bind_from_the_adapter_block()
    {
        using var pipeline = WithAdapterLine("lr_scale: 100\n      weight_decay: 0.05");

        var block = PipelineLoader.Load(pipeline.ConfigPath).Config.Model.Adapters[0];

        (block.LrScale, block.WeightDecay, block.HasOwnOptimizerGroups).Should().Be((100.0, (double?)0.05, true));
    }

    [Theory]
    [InlineData("lr_scale: 0", "17:17", "model.adapters[0].lr_scale: must be greater than 0, got 0")]
    [InlineData("lr_scale: -2.5", "17:17", "model.adapters[0].lr_scale: must be greater than 0, got -2.5")]
    [InlineData("weight_decay: -0.1", "17:21", "model.adapters[0].weight_decay: must not be negative, got -0.1")]
    [InlineData("weight_decay: 1e999", "17:21", "model.adapters[0].weight_decay: expected a number, got '1e999'")]
    public void A_bad_value_is_a_configuration_error_at_the_key(string line, string position, string message)
    {
        using var pipeline = WithAdapterLine(line);

        var act = () => PipelineLoader.Load(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml").Should().Be($"pipeline.yaml:{position}: {message}");
    }
}
