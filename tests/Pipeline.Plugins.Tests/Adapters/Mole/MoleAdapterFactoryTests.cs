using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Mole;
using Pipeline.Plugins.Tests.Adapters.Lora;
using static Pipeline.Plugins.Tests.Adapters.Mole.MoleTestModel;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

public sealed class MoleAdapterFactoryTests
{
    private readonly TinyDecoder _llm = new(layers: 2, width: 4, hidden: 8);
    private readonly ProjectionChain _vision = new(device: null, ("k_proj", 4, 4));

    private AdapterBuildContext Context(IForwardContextAccessor? forward = null) => new("mole",
        new Dictionary<string, IAdaptableComponent>
        {
            ["llm"] = new TestComponent("llm", _llm, 4),
            ["vision"] = new TestComponent("vision", _vision, 4),
        },
        forward ?? new NoForwardContext(), CPU, 3);

    private static MoleOptions Options(params string[] loraTargets) => new() { LoraTargets = new() { ["llm"] = [.. loraTargets] } };

    [Fact]
    public void A_fresh_adapter_leaves_outputs_exactly_unchanged_even_in_a_training_forward()
    {
        using var x = randn(2, 3, 4);
        using var before = _llm.call(x);
        var forward = new CurrentForwardContext();

        new MoleAdapterFactory().Attach(Options("q_proj"), Context(forward));
        _llm.train();
        forward.Current = new ForwardContext(ones(2, 3, dtype: ScalarType.Bool), zeros(2, dtype: ScalarType.Bool), isTraining: true);
        using var after = _llm.call(x);

        Values(after).Should().Equal(Values(before));
    }

    [Fact]
    public void It_attaches_a_router_per_block_experts_on_gate_up_and_down_and_plain_lora_on_the_lora_targets()
    {
        var adapter = (MoleAdapter)new MoleAdapterFactory().Attach(Options("q_proj"), Context());

        adapter.AttachedSites.Should().Equal(
            "llm:layers.0.q_proj", "llm:layers.1.q_proj", "llm:layers.0.mlp", "llm:layers.1.mlp",
            "llm:layers.0.mlp.gate_proj", "llm:layers.0.mlp.up_proj", "llm:layers.0.mlp.down_proj",
            "llm:layers.1.mlp.gate_proj", "llm:layers.1.mlp.up_proj", "llm:layers.1.mlp.down_proj");
        adapter.Mixtures.Values.Should().OnlyContain(m => m.Experts.Count == 3 && m.Dispatch == ExpertDispatch.Sparse);
        adapter.Routers.Values.Select(r => r.LayerIndex).Should().Equal(0, 1);
        adapter.CanMerge.Should().BeFalse();
        adapter.Invoking(a => a.Merge()).Should().Throw<NotSupportedException>()
            .WithMessage("adapter 'mole' (mole) cannot merge: each token's delta depends on the expert its router selects");
        _llm.parameters().Where(p => p.requires_grad).Should().HaveCount(
            2 * (4 + 2 + 2 + 3 * 3 * 2), "per layer: 4 base weights, the LoRA delta's A and B, the router's W and b, A and B of 3 experts on 3 projections");
    }

    [Fact]
    public void Experts_start_with_different_A_and_zero_B_and_the_same_seed_gives_the_same_weights()
    {
        var adapter = (MoleAdapter)new MoleAdapterFactory().Attach(Options("q_proj"), Context());
        var again = new TinyDecoder(layers: 2, width: 4, hidden: 8);
        var twin = (MoleAdapter)new MoleAdapterFactory().Attach(Options("q_proj"), new AdapterBuildContext("mole",
            new Dictionary<string, IAdaptableComponent> { ["llm"] = new TestComponent("llm", again, 4), ["vision"] = new TestComponent("vision", _vision, 4) },
            new NoForwardContext(), CPU, 3));

        var experts = adapter.Mixtures["llm:layers.0.mlp.gate_proj"].Experts;
        Values(experts[0].A).Should().NotEqual(Values(experts[1].A));
        experts.Should().OnlyContain(e => e.B.abs().max().item<float>() == 0);
        Values(twin.Mixtures["llm:layers.1.mlp.down_proj"].Experts[2].A).Should().Equal(Values(adapter.Mixtures["llm:layers.1.mlp.down_proj"].Experts[2].A));
        Values(twin.Routers["llm:layers.1.mlp"].Weight).Should().Equal(Values(adapter.Routers["llm:layers.1.mlp"].Weight));
    }

    [Fact]
    public void An_expert_target_that_matches_nothing_fails_with_the_exact_message_and_attaches_nothing()
    {
        var options = Options("q_proj") with { ExpertTargets = new() { ["llm"] = ["ffn"] } };

        new MoleAdapterFactory().Invoking(f => f.Attach(options, Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'mole': target pattern 'ffn' matches nothing in component 'llm'");
        _llm[0].Query.AdapterNames.Should().BeEmpty();
    }

    [Fact]
    public void A_lora_target_that_matches_only_in_another_component_fails_with_a_hint_and_attaches_nothing()
    {
        new MoleAdapterFactory().Invoking(f => f.Attach(Options("q_proj", "k_proj"), Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'mole': target pattern 'k_proj' matches nothing in component 'llm' (it matches in 'vision': scope it there)");
        _llm[0].Query.AdapterNames.Should().BeEmpty();
        _llm[0].Mlp.GateProjection.AdapterNames.Should().BeEmpty();
    }

    [Fact]
    public void A_lora_target_inside_a_routed_block_is_an_error()
    {
        new MoleAdapterFactory().Invoking(f => f.Attach(Options("q_proj", "layers.0.mlp.up_proj"), Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be(
                "adapter 'mole': lora target 'layers.0.mlp.up_proj' in component 'llm' is a projection of the routed block 'layers.0.mlp'; a projection gets experts or plain LoRA, not both");
    }

    [Fact]
    public void An_unknown_component_fails_naming_the_components_that_exist()
    {
        var options = Options("q_proj") with { ExpertTargets = new() { ["audio"] = ["mlp"] } };

        new MoleAdapterFactory().Invoking(f => f.Attach(options, Context())).Should().Throw<AdapterTargetException>()
            .Which.Message.Should().Be("adapter 'mole': no component 'audio'; the model has: llm, vision");
    }

    [Fact]
    public void Dotted_expert_targets_select_single_layers()
    {
        var options = Options("q_proj") with { ExpertTargets = new() { ["llm"] = ["layers.1.mlp"] } };

        var adapter = (MoleAdapter)new MoleAdapterFactory().Attach(options, Context());

        adapter.Routers.Keys.Should().Equal("llm:layers.1.mlp");
        _llm[0].Mlp.GateProjection.AdapterNames.Should().BeEmpty();
    }
}
