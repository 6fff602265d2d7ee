using Pipeline.Contracts.Modules;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Modules;

/// <summary>
/// An adapter's name becomes a module name on every site it attaches to: the names of a projection's own parameters are
/// refused with a message that says so, by the site and, before anything is built, at the YAML key.
/// </summary>
public sealed class AdapterNameTests
{
    [Theory]
    [InlineData("weight")]
    [InlineData("bias")]
    public void A_projection_refuses_the_names_of_its_own_parameters_saying_why(string name)
    {
        using var projection = new AdaptableLinear(2, 2);
        using var delta = nn.Identity();

        var act = () => projection.Attach(name, delta);

        act.Should().Throw<InvalidOperationException>().WithMessage(
            $"an adapter cannot be named '{name}': 'weight' and 'bias' are reserved for the projection's own parameters; choose another name");
        projection.AdapterNames.Should().BeEmpty();
    }

    [Fact]
    public void A_name_attached_twice_is_still_reported_as_taken()
    {
        using var projection = new AdaptableLinear(2, 2);
        using var delta = nn.Identity();
        projection.Attach("lora", delta);

        var act = () => projection.Attach("lora", delta);

        act.Should().Throw<InvalidOperationException>().WithMessage("an adapter named 'lora' is already attached here");
    }

    [Theory]
    [InlineData("name: bias", "model.adapters[0].name: 'bias' is reserved for the projection's own parameters (weight, bias); give the adapter a different 'name'")]
    [InlineData("name: lora.v2", "model.adapters[0].name: 'lora.v2' cannot name an adapter: use letters, digits, '_' and '-' only (it becomes a state-dict key segment)")]
    public void A_yaml_adapter_name_that_cannot_name_a_module_is_a_configuration_error_at_the_key(string line, string message)
    {
        using var pipeline = new TinyPipeline(TinyPipeline.Yaml.Replace("- plugin: lora", $"- plugin: lora\n      {line}"));

        var act = () => PipelineLoader.Load(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml").Should().Be($"pipeline.yaml:17:13: {message}");
    }
}
