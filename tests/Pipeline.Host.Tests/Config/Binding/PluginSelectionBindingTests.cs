using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class PluginSelectionBindingTests : IDisposable
{
    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private TestTrainingOptions BindTraining(string yaml, params string[] overrides)
    {
        var document = YamlConfigDocument.Load(_dir.Write(yaml), overrides);
        return new OptionsBinder(document, new FakeSchedulerResolver()).Bind<TestTrainingOptions>(document.Root["training"], "training");
    }

    private string BindTrainingError(string yaml, params string[] overrides)
    {
        string path = _dir.Write(yaml);
        var document = YamlConfigDocument.Load(path, overrides);
        var bind = () => new OptionsBinder(document, new FakeSchedulerResolver())
            .Bind<TestTrainingOptions>(document.Root["training"], "training");
        return bind.Should().Throw<ConfigException>().Which.Message.Replace(path, "F");
    }

    [Fact]
    public void Binds_the_options_to_the_chosen_plugins_options_type()
    {
        var options = BindTraining("""
            training:
              scheduler:
                plugin: warmup_cosine
                options: {warmup_steps: 50, min_ratio: 0.1}
            """);

        options.Scheduler.Should().Be(new PluginSelection
        {
            Plugin = "warmup_cosine",
            Options = new TestWarmupCosineOptions { WarmupSteps = 50, MinRatio = 0.1 },
        });
    }

    [Theory]
    [InlineData("training:\n  scheduler:\n    plugin: warmup_cosine\n")]
    [InlineData("training:\n  scheduler:\n    plugin: warmup_cosine\n    options:\n")]
    public void Missing_options_give_the_plugins_defaults(string yaml)
    {
        BindTraining(yaml).Scheduler!.Options.Should().Be(new TestWarmupCosineOptions());
    }

    [Fact]
    public void A_nested_selection_is_bound_through_the_resolver_too()
    {
        var options = BindTraining("""
            training:
              scheduler:
                plugin: wrapping
                options:
                  base: {plugin: warmup_cosine, options: {warmup_steps: 3}}
            """);

        options.Scheduler!.Options.Should().Be(new TestWrappingSchedulerOptions
        {
            Base = new PluginSelection { Plugin = "warmup_cosine", Options = new TestWarmupCosineOptions { WarmupSteps = 3 } },
        });
    }

    [Fact]
    public void An_unknown_plugin_is_reported_at_its_name_with_the_known_plugins()
    {
        BindTrainingError("""
            training:
              scheduler:
                plugin: wrapping
                options:
                  base: {plugin: cosin}
            """).Should().Be(
            "F:5:22: unknown scheduler 'cosin' at training.scheduler.options.base; known schedulers: constant, warmup_cosine, wrapping");
    }

    [Fact]
    public void An_unknown_plugin_close_to_a_known_one_gets_a_suggestion()
    {
        BindTrainingError("training:\n  scheduler: {plugin: constnat}\n").Should().Be(
            "F:2:23: unknown scheduler 'constnat' at training.scheduler (did you mean 'constant'?); " +
            "known schedulers: constant, warmup_cosine, wrapping");
    }

    [Fact]
    public void The_plugins_options_are_bound_strictly()
    {
        BindTrainingError("""
            training:
              scheduler:
                plugin: warmup_cosine
                options:
                  warmup: 5
            """).Should().Be(
            "F:5:7: unknown key 'warmup' in training.scheduler.options; known keys: min_ratio, warmup_steps");
    }

    [Fact]
    public void The_plugins_options_are_validated()
    {
        BindTrainingError("training:\n  scheduler: {plugin: warmup_cosine}\n", "training.scheduler.options.warmup_steps=-1")
            .Should().Be("--set training.scheduler.options.warmup_steps: training.scheduler.options.warmup_steps: must be at least 0, got -1");
    }

    [Fact]
    public void A_selection_without_a_plugin_is_reported_at_the_mapping()
    {
        BindTrainingError("training:\n  scheduler: {options: {}}\n").Should().Be("F:2:14: missing required key 'plugin' in training.scheduler");
    }

    [Fact]
    public void A_selection_takes_only_plugin_and_options()
    {
        BindTrainingError("training:\n  scheduler: {plugin: constant, warmup: 3}\n").Should().Be(
            "F:2:33: unknown key 'warmup' in training.scheduler; known keys: options, plugin");
    }

    [Fact]
    public void Binding_a_selection_needs_a_resolver()
    {
        var document = YamlConfigDocument.Load(_dir.Write("training:\n  scheduler: {plugin: constant}\n"), []);

        var bind = () => new OptionsBinder(document).Bind<TestTrainingOptions>(document.Root["training"], "training");

        bind.Should().Throw<InvalidOperationException>()
            .WithMessage("training.scheduler selects a scheduler plugin, but the options binder was created without an IPluginOptionsResolver");
    }

    [Fact]
    public void Another_plugin_kind_can_be_bound_from_a_kept_node()
    {
        var document = YamlConfigDocument.Load(_dir.Write("encoder: {plugin: clip}\n"), []);
        var node = new ConfigNode(document, "encoder", document.Root["encoder"], document.Root);

        var bind = () => new OptionsBinder(document, new FakeSchedulerResolver()).BindSelection("encoder", node);

        bind.Should().Throw<ConfigException>().Which.Text.Should().Be("unknown encoder 'clip' at encoder; known encoders: (none)");
    }
}
