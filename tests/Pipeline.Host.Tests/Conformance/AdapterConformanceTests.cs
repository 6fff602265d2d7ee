using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Host.Composition;
using Pipeline.Host.Conformance;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using static Pipeline.Host.Tests.Conformance.BrokenAdapters;

namespace Pipeline.Host.Tests.Conformance;

/// <summary>The conformance kit over every built-in adapter and every sample plugin, and over adapters broken on purpose.</summary>
public sealed class AdapterConformanceTests(SampleBuilds samples) : IClassFixture<SampleBuilds>
{
    private const string BuiltIn = "built-in";

    /// <summary>Every built-in adapter (from the plugin catalog, so a new one is covered) and every sample plugin folder.</summary>
    public static TheoryData<string, string> Adapters()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in PluginCatalog.Load([PluginSearchPath.BuiltInDirectory]).Names(PluginKind.Adapter)) data.Add(BuiltIn, name);
        foreach (string sample in SampleBuilds.Samples()) data.Add(sample, "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Every_built_in_and_sample_adapter_passes_every_applicable_check(string source, string name)
    {
        string[] directories = source == BuiltIn ? [] : [samples.OutputOf(source)];
        var names = source == BuiltIn ? [name] : PluginCatalog.Load(directories).Names(PluginKind.Adapter);
        names.Should().NotBeEmpty("sample '{0}' must export an adapter", source);

        foreach (string adapter in names)
        {
            using var pipeline = ConformancePipeline.Create(adapter, null, directories);
            using var kit = new AdapterConformance(pipeline.Definition);

            var results = kit.RunAll();

            results.Select(r => r.Check).Should().Equal("identity", "device", "seed", "names", "merge", "export", "training", "leak", "switch");
            results.Where(r => !r.Succeeded).Should().BeEmpty("adapter '{0}' must pass every check", adapter);
        }
    }

    /// <summary>Built-in adapters in configurations other than their defaults that build a different module (an ablation, for instance).</summary>
    [Theory]
    [InlineData("mma", "routing: false")]
    public void A_built_in_adapter_in_another_configuration_passes_every_applicable_check(string adapter, string options)
    {
        using var pipeline = ConformancePipeline.Create(adapter, options, []);
        using var kit = new AdapterConformance(pipeline.Definition);

        var results = kit.RunAll();

        results.Select(r => r.Check).Should().Equal("identity", "device", "seed", "names", "merge", "export", "training", "leak", "switch");
        results.Where(r => !r.Succeeded).Should().BeEmpty("adapter '{0}' with {1} must pass every check", adapter, options);
    }

    [Fact]
    public void An_adapter_that_does_not_start_as_the_identity_fails_the_identity_check()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.NotIdentity));

        var result = kit.Identity();

        result.Outcome.Should().Be(ConformanceOutcome.Fail);
        result.Reason.Should().Match("output with the adapter differs from output without it by up to * (tolerance *): new modules must start as the identity");
    }

    [Fact]
    public void An_adapter_that_declares_it_does_not_start_as_the_identity_passes_when_switching_it_off_gives_the_base_model()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.DeclaredNotIdentity));

        var result = kit.Identity();

        result.Outcome.Should().Be(ConformanceOutcome.Pass);
        result.Reason.Should().Match("not an identity at initialisation (StartsAsIdentity is false); switched off, output equals output without it (max difference 0)");
    }

    [Fact]
    public void An_adapter_that_declares_it_does_not_start_as_the_identity_fails_when_switched_off_it_still_changes_the_output()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.DeclaredNotIdentityNotSwitchable));

        var result = kit.Identity();

        result.Outcome.Should().Be(ConformanceOutcome.Fail);
        result.Reason.Should().Match("switched off, output with the adapter differs from output without it by up to * (tolerance *): every site must skip a switched-off adapter");
    }

    [Fact]
    public void An_adapter_that_names_its_modules_after_its_plugin_fails_the_names_check_naming_the_parameter()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.NamedAfterPlugin));

        var result = kit.StateDictNames();

        result.Should().Be(ConformanceResult.Fail("names",
            $"parameter 'llm.{Site}.broken.scale' is not under the adapter's name 'under_test': attach modules under AdapterBuildContext.AdapterName"));
        kit.Identity().Outcome.Should().Be(ConformanceOutcome.Pass);
    }

    [Fact]
    public void An_adapter_that_ignores_the_requested_device_fails_the_device_check()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.ParameterOnCpu));

        var result = kit.Devices();

        result.Should().Be(ConformanceResult.Fail("device",
            $"built on meta, parameter 'llm.{Site}.under_test.scale' is on cpu: create parameters on AdapterBuildContext.Device"));
    }

    [Fact]
    public void An_adapter_whose_merged_weight_is_not_its_delta_fails_the_merge_check()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.WrongMergeWeight));

        var result = kit.MergeAndUnmerge();

        result.Outcome.Should().Be(ConformanceOutcome.Fail);
        result.Reason.Should().Match("merging changes the output by up to * (tolerance *)");
    }

    [Fact]
    public void An_adapter_that_keeps_tensors_made_in_forward_fails_the_leak_check_with_the_growth()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.KeepsForwardTensors));

        var result = kit.NoTensorLeak();

        // One copy kept per forward: 25 training steps between step 5 and step 30.
        result.Should().Be(ConformanceResult.Fail("leak",
            "25 more live tensors after step 30 than after step 5: modules must not keep tensors made in forward"));
    }

    [Fact]
    public void An_adapter_that_adds_its_module_around_the_site_fails_the_switch_check_once_trained()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.BypassesSite));

        var result = kit.SwitchedOff();

        result.Outcome.Should().Be(ConformanceOutcome.Fail);
        result.Reason.Should().Match("switched off after training, the output differs from the base model's by up to * (tolerance *): " +
            "attach modules through the components' sites (they implement ISwitchableAdapterSite), never around them");
        kit.Identity().Outcome.Should().Be(ConformanceOutcome.Pass, "the module starts as the identity, so only the trained adapter shows it");
    }

    [Fact]
    public void A_non_mergeable_adapter_has_no_merge_check_and_a_broken_one_fails_only_its_checks()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        using var kit = new AdapterConformance(WithBroken(pipeline, Fault.NotIdentity));

        var results = kit.RunAll().ToDictionary(r => r.Check);

        results["merge"].Should().Be(new ConformanceResult("merge", ConformanceOutcome.NotApplicable, "the adapter does not merge (CanMerge is false)"));
        results["identity"].Outcome.Should().Be(ConformanceOutcome.Fail);
        // Whether one scalar on a query projection of a random model lowers the loss is not this test's concern.
        results.Values.Where(r => r.Check is not "identity" and not "training").Should().OnlyContain(r => r.Succeeded);
    }

    [Fact]
    public void An_adapter_whose_attach_throws_is_reported_by_plugin_before_any_check()
    {
        using var pipeline = ConformancePipeline.Create("lora", null, []);
        var definition = WithFactory(pipeline, new FailingPlugins.ExplodingAdapterFactory(FailingPlugins.Site.ThrowWhileAttaching));

        var act = () => new AdapterConformance(definition);

        act.Should().Throw<PluginFailureException>().WithMessage($"adapter plugin 'lora' failed while attaching: {FailingPlugins.Failure}");
    }

    /// <summary>The kit's pipeline with its adapter replaced by a <see cref="BrokenAdapters.Factory"/> under the same instance name.</summary>
    private static PipelineDefinition WithBroken(ConformancePipeline pipeline, Fault fault) => WithFactory(pipeline, new Factory(fault));

    /// <summary>The kit's pipeline with its adapter's factory replaced by <paramref name="factory"/> (same instance and plugin names).</summary>
    private static PipelineDefinition WithFactory(ConformancePipeline pipeline, IAdapterFactory factory)
    {
        var definition = pipeline.Definition;
        var original = definition.Adapters.Single();
        return new PipelineDefinition
        {
            Document = definition.Document, Config = definition.Config, Catalog = definition.Catalog, Encoders = definition.Encoders,
            Adapters = [new ConfiguredPlugin<IAdapterFactory>(original.InstanceName, original.PluginName, factory, new object(), original.Node)],
        };
    }
}
