using System.Reflection;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Plugins.Adapters.Mma;
using Pipeline.Plugins.Tests.Adapters.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

public sealed class MmaAdapterFactoryTests
{
    private readonly SlotStack _llm = new(layers: 2, width: 4);
    private readonly SlotStack _vision = new(layers: 3, width: 6);
    private readonly ProjectionChain _projections = new(device: null, ("proj", 4, 4));
    private readonly RecordingPrefixSite _prefix = new();

    private AdapterBuildContext Context(string adapterName = "mma", long seed = 7, Device? device = null) => new(adapterName,
        new Dictionary<string, IAdaptableComponent>
        {
            ["llm"] = new SlotComponent("llm", _llm, 4, _prefix),
            ["vision"] = new SlotComponent("vision", _vision, 6),
            ["plain"] = new SlotComponent("plain", _projections, 4),
        },
        new NoForwardContext(), device ?? CPU, seed);

    private static MmaOptions Targeting(params string[] components) =>
        new() { Targets = components.ToDictionary(c => c, _ => new List<string> { MmaOptions.EveryBlock }) };

    [Fact]
    public void The_factory_is_exported_as_adapter_mma_with_its_options_type()
    {
        var export = typeof(MmaAdapterFactory).GetCustomAttribute<ExportPluginAttribute>()!;

        (export.Kind, export.Name, export.ContractMajor).Should().Be((PluginKind.Adapter, "mma", ContractVersion.Major));
        new MmaAdapterFactory().OptionsType.Should().Be(typeof(MmaOptions));
    }

    [Fact]
    public void It_attaches_before_attention_in_every_block_of_each_target_and_prepends_one_hidden_modality_token()
    {
        var adapter = (MmaAdapter)new MmaAdapterFactory().Attach(Targeting("vision", "llm"), Context());

        adapter.AttachedSites.Should().Equal("llm:sequence_prefix", "llm:layers.0.attn_input", "llm:layers.1.attn_input",
            "vision:layers.0.attn_input", "vision:layers.1.attn_input", "vision:layers.2.attn_input");
        adapter.CanMerge.Should().BeFalse();
        _prefix.Attached.Should().ContainSingle().Which.Should().Be(("mma", (ISequencePrefix)adapter.ModalityToken!));
        adapter.ModalityToken!.VisibleToText.Should().BeFalse();
        adapter.ModalityToken.Embedding.shape.Should().Equal(2, 4);
        _vision.named_parameters().Select(p => p.name).Should().Contain("layers.2.attn_input.mma.up_proj_1.weight");
        _vision.parameters().Sum(p => p.numel()).Should().Be(3 * (20 * 6 + 10), "three blocks of width 6 at bottleneck 8 and 2 groups");
    }

    [Fact]
    public void Without_the_llm_there_is_no_modality_token_and_the_token_can_be_switched_off()
    {
        var visionOnly = (MmaAdapter)new MmaAdapterFactory().Attach(Targeting("vision"), Context());
        var noToken = (MmaAdapter)new MmaAdapterFactory().Attach(Targeting("llm") with { ModalityToken = false }, Context("mma2"));

        visionOnly.ModalityToken.Should().BeNull();
        noToken.ModalityToken.Should().BeNull();
        noToken.AttachedSites.Should().Equal("llm:layers.0.attn_input", "llm:layers.1.attn_input");
        _prefix.Attached.Should().BeEmpty();
    }

    [Fact]
    public void Layer_patterns_select_some_blocks_of_a_component()
    {
        var options = new MmaOptions { Targets = new() { ["vision"] = ["layers.1.attn_input", "layers.2.*"] } };

        new MmaAdapterFactory().Attach(options, Context()).AttachedSites
            .Should().Equal("vision:layers.1.attn_input", "vision:layers.2.attn_input");
    }

    [Fact]
    public void A_fresh_adapter_leaves_every_component_output_unchanged()
    {
        using var x = randn(2, 5, 6);
        using var before = _vision.call(x);

        new MmaAdapterFactory().Attach(Targeting("vision"), Context());
        using var after = _vision.call(x);

        after.data<float>().ToArray().Should().Equal(before.data<float>().ToArray());
    }

    [Fact]
    public void Every_new_parameter_requires_grad()
    {
        var adapter = (MmaAdapter)new MmaAdapterFactory().Attach(Targeting("llm", "vision"), Context());

        adapter.Blocks.Values.SelectMany(b => b.parameters()).Append(adapter.ModalityToken!.Embedding)
            .Should().OnlyContain(p => p.requires_grad);
    }

    [Fact]
    public void The_same_seed_gives_the_same_initial_weights_and_another_seed_different_ones()
    {
        float[] Initial(long seed)
        {
            var llm = new SlotStack(1, 8);
            var prefix = new RecordingPrefixSite();
            var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new SlotComponent("llm", llm, 8, prefix) };
            var adapter = (MmaAdapter)new MmaAdapterFactory().Attach(new MmaOptions(), new AdapterBuildContext("mma", components, new NoForwardContext(), CPU, seed));
            var block = adapter.Blocks.Values.Single();
            return [.. block.DownWeight.data<float>(), .. block.RouterWeight.data<float>(), .. adapter.ModalityToken!.Embedding.data<float>()];
        }

        Initial(1).Should().Equal(Initial(1));
        Initial(1).Should().NotEqual(Initial(2));
    }

    [Fact]
    public void Attaching_on_the_meta_device_allocates_nothing()
    {
        set_default_device(META);
        try
        {
            var llm = new SlotStack(2, 4096);
            var prefix = new RecordingPrefixSite();
            var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new SlotComponent("llm", llm, 4096, prefix) };

            var adapter = (MmaAdapter)new MmaAdapterFactory().Attach(new MmaOptions(), new AdapterBuildContext("mma", components, new NoForwardContext(), META, 1));

            llm.parameters().Append(adapter.ModalityToken!.Embedding).Should().OnlyContain(p => p.device_type == DeviceType.META);
            llm.parameters().Sum(p => p.numel()).Should().Be(2 * (20 * 4096 + 10));
        }
        finally
        {
            set_default_device(CPU);
        }
    }

    [Fact]
    public void An_unknown_component_fails_naming_the_components_that_exist()
    {
        new MmaAdapterFactory().Invoking(f => f.Attach(Targeting("audio"), Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'mma': no component 'audio'; the model has: llm, plain, vision");
    }

    [Fact]
    public void A_component_without_attention_inputs_fails_naming_those_that_have_them()
    {
        new MmaAdapterFactory().Invoking(f => f.Attach(Targeting("plain"), Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'mma': component 'plain' has no attention-input sites; components that have them: llm, vision");
    }

    [Fact]
    public void A_pattern_that_matches_nothing_fails_and_attaches_nothing()
    {
        var options = new MmaOptions { Targets = new() { ["llm"] = ["attn_input"], ["vision"] = ["layers.7.attn_input"] } };

        new MmaAdapterFactory().Invoking(f => f.Attach(options, Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'mma': target pattern 'layers.7.attn_input' matches nothing in component 'vision'");
        _llm.parameters().Should().BeEmpty("targets are all checked before anything is attached");
        _prefix.Attached.Should().BeEmpty();
    }

    [Fact]
    public void Groups_that_do_not_divide_a_targeted_width_fail_naming_the_site()
    {
        var options = Targeting("vision") with { Groups = 4 };

        new MmaAdapterFactory().Invoking(f => f.Attach(options, Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'mma': groups (4) must divide the width of 'vision:layers.0.attn_input' (6)");
    }

    [Fact]
    public void A_modality_token_on_an_llm_without_a_prefix_site_fails_with_the_fix()
    {
        var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new SlotComponent("llm", _llm, 4) };

        new MmaAdapterFactory().Invoking(f => f.Attach(new MmaOptions(), new AdapterBuildContext("mma", components, new NoForwardContext(), CPU, 1)))
            .Should().Throw<AdapterTargetException>().Which.Message.Should().Be(
                "adapter 'mma': component 'llm' takes no sequence prefix, so it cannot carry the modality token; set modality_token: false");
    }

    [Fact]
    public void Merging_is_not_supported()
    {
        var adapter = new MmaAdapterFactory().Attach(Targeting("vision"), Context("router"));

        adapter.Invoking(a => a.Merge()).Should().Throw<NotSupportedException>()
            .WithMessage("adapter 'router' cannot be merged: MMA's update depends on the input through its routing weights");
    }
}
