using Pipeline.Contracts.Options;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Tests.Config.Binding;

/// <summary>A <see cref="PluginSelection"/> property the YAML leaves out is bound from its default plugin, at binding time.</summary>
public sealed class DefaultSelectionBindingTests : IDisposable
{
    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal sealed record MissingDefaultOptions
    {
        public PluginSelection Schedule { get; init; } = new() { Plugin = "cosine" };
    }

    internal sealed record InvalidDefaultsOptions : IValidatableOptions
    {
        public int Every { get; init; }

        public IEnumerable<OptionError> Validate()
        {
            if (Every < 1) yield return new OptionError("every", $"must be at least 1, got {Every}");
        }
    }

    internal sealed record InvalidDefaultChoice
    {
        public PluginSelection Schedule { get; init; } = new() { Plugin = "invalid_defaults" };
    }

    private sealed class Resolver : IPluginOptionsResolver
    {
        private readonly FakeSchedulerResolver _fake = new();

        public Type? OptionsTypeOf(string kind, string name) =>
            kind == "scheduler" && name == "invalid_defaults" ? typeof(InvalidDefaultsOptions) : _fake.OptionsTypeOf(kind, name);

        public IReadOnlyList<string> Names(string kind) => [.. _fake.Names(kind), "invalid_defaults"];
    }

    private T Bind<T>(string yaml)
    {
        string path = _dir.Write(yaml);
        var document = YamlConfigDocument.Load(path, []);
        return new OptionsBinder(document, new Resolver()).Bind<T>(document.Root["block"], "block");
    }

    private string BindError<T>(string yaml)
    {
        string path = _dir.Write(yaml);
        var document = YamlConfigDocument.Load(path, []);
        var bind = () => new OptionsBinder(document, new Resolver()).Bind<T>(document.Root["block"], "block");
        return bind.Should().Throw<ConfigException>().Which.Message.Replace(path, "F");
    }

    [Fact]
    public void An_absent_selection_gets_its_default_plugins_default_options()
    {
        var options = Bind<TestWrappingSchedulerOptions>("block:\n  factor: 2\n");

        options.Base.Should().Be(new PluginSelection { Plugin = "constant", Options = new TestConstantOptions() });
    }

    [Fact]
    public void A_written_selection_is_left_as_written()
    {
        var options = Bind<TestWrappingSchedulerOptions>("block:\n  base: {plugin: warmup_cosine, options: {warmup_steps: 4}}\n");

        options.Base.Should().Be(new PluginSelection { Plugin = "warmup_cosine", Options = new TestWarmupCosineOptions { WarmupSteps = 4 } });
    }

    [Fact]
    public void A_default_plugin_that_is_not_installed_is_reported_at_the_block()
    {
        BindError<MissingDefaultOptions>("block:\n  {}\n").Should().Be(
            "F:2:3: block.schedule: the default scheduler 'cosine' is not installed; known schedulers: constant, invalid_defaults, warmup_cosine, wrapping");
    }

    [Fact]
    public void A_default_plugins_options_are_validated_at_binding_too()
    {
        BindError<InvalidDefaultChoice>("block:\n  {}\n").Should().Be("F:2:3: block.schedule.options.every: must be at least 1, got 0");
    }
}
