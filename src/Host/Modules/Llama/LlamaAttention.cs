using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// Grouped-query self-attention with rotary positions through <c>scaled_dot_product_attention</c>. Key/value heads
/// are repeated to the query head count (TorchSharp's SDPA has no grouped-query support).
/// </summary>
public sealed class LlamaAttention : nn.Module<AttentionInput, Tensor>
{
    private readonly AdaptableLinear q_proj;
    private readonly AdaptableLinear k_proj;
    private readonly AdaptableLinear v_proj;
    private readonly AdaptableLinear o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public LlamaAttention(LlamaOptions options) : base(nameof(LlamaAttention))
    {
        _heads = options.Heads;
        _kvHeads = options.KvHeads;
        _headDim = options.HeadDim;
        q_proj = new AdaptableLinear(options.HiddenSize, _heads * _headDim, hasBias: false);
        k_proj = new AdaptableLinear(options.HiddenSize, _kvHeads * _headDim, hasBias: false);
        v_proj = new AdaptableLinear(options.HiddenSize, _kvHeads * _headDim, hasBias: false);
        o_proj = new AdaptableLinear(_heads * _headDim, options.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(AttentionInput input)
    {
        using var scope = NewDisposeScope();
        Tensor x = input.Hidden;
        long batch = x.shape[0], length = x.shape[1];
        Tensor q = q_proj.call(x).view(batch, length, _heads, _headDim).transpose(1, 2);
        Tensor k = k_proj.call(x).view(batch, length, _kvHeads, _headDim).transpose(1, 2);
        Tensor v = v_proj.call(x).view(batch, length, _kvHeads, _headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, input.Cos, input.Sin);
        k = RotaryEmbedding.Apply(k, input.Cos, input.Sin);
        if (_kvHeads != _heads)
        {
            k = k.repeat_interleave(_heads / _kvHeads, dim: 1);
            v = v.repeat_interleave(_heads / _kvHeads, dim: 1);
        }
        Tensor attended = input.Mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: input.Mask);
        Tensor merged = attended.transpose(1, 2).reshape(batch, length, _heads * _headDim);
        return o_proj.call(merged).MoveToOuterDisposeScope();
    }
}
