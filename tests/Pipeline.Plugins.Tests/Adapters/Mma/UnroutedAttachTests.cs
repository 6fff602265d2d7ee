using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Mma;
using Pipeline.Plugins.Tests.Adapters.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

/// <summary>The <c>mma</c> factory with <c>routing: false</c>: single-path blocks, no router, no modality token.</summary>
public sealed class UnroutedAttachTests
{
    private static readonly MmaOptions Unrouted = new()
    {
        Routing = false,
        Targets = new() { ["llm"] = [MmaOptions.EveryBlock], ["vision"] = [MmaOptions.EveryBlock] },
    };

    private readonly SlotStack _llm = new(layers: 2, width: 8);
    private readonly SlotStack _vision = new(layers: 1, width: 6);
    private readonly RecordingPrefixSite _prefix = new();

    private AdapterBuildContext Context(long seed = 7) => new("mma",
        new Dictionary<string, IAdaptableComponent>
        {
            ["llm"] = new SlotComponent("llm", _llm, 8, _prefix),
            ["vision"] = new SlotComponent("vision", _vision, 6),
        },
        new NoForwardContext(), CPU, seed);

    [Fact]
    public void Every_targeted_block_gets_a_single_path_and_the_llm_gets_no_modality_token()
    {
        var adapter = (MmaAdapter)new MmaAdapterFactory().Attach(Unrouted, Context());

        adapter.AttachedSites.Should().Equal("llm:layers.0.attn_input", "llm:layers.1.attn_input", "vision:layers.0.attn_input");
        adapter.ModalityToken.Should().BeNull();
        _prefix.Attached.Should().BeEmpty("no router reads position 0, so nothing is prepended");
        adapter.Blocks.Values.Should().OnlyContain(b => !b.Routing);
        _llm.named_parameters().Select(p => p.name).Should().BeEquivalentTo(new[] {
            "layers.0.attn_input.mma.down_proj.weight", "layers.0.attn_input.mma.down_proj.bias",
            "layers.0.attn_input.mma.up_proj_0.weight", "layers.0.attn_input.mma.up_proj_0.bias",
            "layers.1.attn_input.mma.down_proj.weight", "layers.1.attn_input.mma.down_proj.bias",
            "layers.1.attn_input.mma.up_proj_0.weight", "layers.1.attn_input.mma.up_proj_0.bias" });
        _vision.parameters().Sum(p => p.numel()).Should().Be(13 * 6 + 8, "one block of width 6 at bottleneck 8 and 2 groups");
    }

    [Fact]
    public void A_fresh_adapter_leaves_every_component_output_unchanged()
    {
        using var x = randn(2, 5, 8);
        using var before = _llm.call(x);

        new MmaAdapterFactory().Attach(Unrouted, Context());
        using var after = _llm.call(x);

        after.data<float>().ToArray().Should().Equal(before.data<float>().ToArray());
    }

    [Fact]
    public void Blocks_draw_their_down_projections_from_the_seed_in_order_with_no_token_or_router_draws_between()
    {
        var adapter = (MmaAdapter)new MmaAdapterFactory().Attach(Unrouted, Context(seed: 5));
        // Components in ordinal order (llm, then vision), blocks in layer order; Xavier bound sqrt(6 / (C + d)).
        using var reference = new Generator(5);
        using var llm0 = empty(8, 8).uniform_(-Math.Sqrt(6.0 / 16), Math.Sqrt(6.0 / 16), reference);
        using var llm1 = empty(8, 8).uniform_(-Math.Sqrt(6.0 / 16), Math.Sqrt(6.0 / 16), reference);
        using var vision0 = empty(8, 6).uniform_(-Math.Sqrt(6.0 / 14), Math.Sqrt(6.0 / 14), reference);

        float[] Down(string label) => adapter.Blocks[label].DownWeight.data<float>().ToArray();
        Down("llm:layers.0.attn_input").Should().Equal(llm0.data<float>().ToArray());
        Down("llm:layers.1.attn_input").Should().Equal(llm1.data<float>().ToArray());
        Down("vision:layers.0.attn_input").Should().Equal(vision0.data<float>().ToArray());
    }

    [Fact]
    public void Merging_is_not_supported_and_the_message_does_not_blame_routing()
    {
        var adapter = new MmaAdapterFactory().Attach(Unrouted, Context());

        adapter.CanMerge.Should().BeFalse();
        adapter.Invoking(a => a.Merge()).Should().Throw<NotSupportedException>()
            .WithMessage("adapter 'mma' cannot be merged: MMA does not merge its single-path blocks (routing: false)");
    }

    [Fact]
    public void On_the_meta_device_each_block_has_13C_plus_8_parameters_and_only_single_path_keys()
    {
        set_default_device(META);
        try
        {
            var llm = new SlotStack(2, 4096);
            var prefix = new RecordingPrefixSite();
            var components = new Dictionary<string, IAdaptableComponent> { ["llm"] = new SlotComponent("llm", llm, 4096, prefix) };

            var adapter = (MmaAdapter)new MmaAdapterFactory().Attach(new MmaOptions { Routing = false },
                new AdapterBuildContext("mma", components, new NoForwardContext(), META, 1));

            adapter.ModalityToken.Should().BeNull();
            llm.parameters().Should().OnlyContain(p => p.device_type == DeviceType.META);
            llm.parameters().Sum(p => p.numel()).Should().Be(2 * (13 * 4096 + 8), "the routed block's 20C + 10 less 2C + 2 (router) and 5C (up_proj_1)");
            llm.named_parameters().Where(p => p.name.StartsWith("layers.1.")).ToDictionary(p => p.name, p => p.parameter.shape)
                .Should().BeEquivalentTo(new Dictionary<string, long[]>
                {
                    ["layers.1.attn_input.mma.down_proj.weight"] = [8, 4096],
                    ["layers.1.attn_input.mma.down_proj.bias"] = [8],
                    ["layers.1.attn_input.mma.up_proj_0.weight"] = [4096, 4],
                    ["layers.1.attn_input.mma.up_proj_0.bias"] = [4096],
                });
        }
        finally
        {
            set_default_device(CPU);
        }
    }
}
