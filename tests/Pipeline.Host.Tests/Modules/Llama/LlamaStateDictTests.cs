using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Modules.Llama;

public sealed class LlamaStateDictTests
{
    private static readonly LlamaOptions Tiny = new()
    {
        VocabSize = 10, HiddenSize = 8, IntermediateSize = 12, Layers = 1, Heads = 2, KvHeads = 1,
    };

    [Fact]
    public void State_dict_uses_hugging_face_llama_names_and_shapes()
    {
        using var model = MetaDevice.Build(() => new LlamaForCausalLM(Tiny, new ForwardContextAccessor()));

        var entries = model.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").ToList();

        entries.Should().Equal(
            "model.embed_tokens.weight [10, 8]",
            "model.layers.0.input_layernorm.weight [8]",
            "model.layers.0.self_attn.q_proj.weight [8, 8]",
            "model.layers.0.self_attn.k_proj.weight [4, 8]",
            "model.layers.0.self_attn.v_proj.weight [4, 8]",
            "model.layers.0.self_attn.o_proj.weight [8, 8]",
            "model.layers.0.post_attention_layernorm.weight [8]",
            "model.layers.0.mlp.gate_proj.weight [12, 8]",
            "model.layers.0.mlp.up_proj.weight [12, 8]",
            "model.layers.0.mlp.down_proj.weight [8, 12]",
            "model.norm.weight [8]",
            "lm_head.weight [10, 8]");
        model.parameters().Should().OnlyContain(p => p.device_type == TorchSharp.DeviceType.META);
    }

    [Fact]
    public void Adaptation_sites_cover_every_projection_and_block()
    {
        using var model = MetaDevice.Build(() => new LlamaForCausalLM(Tiny with { Layers = 2 }, new ForwardContextAccessor()));

        model.LinearSites.Keys.Should().Contain(["model.layers.1.self_attn.q_proj", "model.layers.1.mlp.down_proj", "lm_head"])
            .And.HaveCount(2 * 7 + 1);
        model.FeedForwardSites.Select(s => s.LayerIndex).Should().Equal(0, 1);
        model.AttentionInputSites.Select(s => s.LayerIndex).Should().Equal(0, 1);
        model.SequencePrefix.Should().BeSameAs(model);
    }

    [Fact]
    public void Validation_names_the_offending_key()
    {
        var errors = (Tiny with { Heads = 3, KvHeads = 2 }).Validate().ToList();

        errors.Select(e => $"{e.Key}: {e.Message}").Should().Equal(
            "heads: must divide hidden_size (8), got 3",
            "kv_heads: must divide heads (3), got 2");
    }
}
