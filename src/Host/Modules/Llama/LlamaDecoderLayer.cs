using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// One pre-norm decoder block: <c>h = x + Attn(A(RMSNorm(x)))</c>, <c>out = h + MLP(RMSNorm(h))</c>, where <c>A</c>
/// is the attention-input slot adapters can extend (the identity otherwise; it holds no weights).
/// </summary>
public sealed class LlamaDecoderLayer : nn.Module<AttentionInput, Tensor>
{
    private readonly RmsNorm input_layernorm;
    private readonly AttentionInputSlot attn_input;
    private readonly LlamaAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly LlamaMlp mlp;

    public LlamaDecoderLayer(int layerIndex, LlamaOptions options) : base(nameof(LlamaDecoderLayer))
    {
        input_layernorm = new RmsNorm(options.HiddenSize, options.RmsNormEps);
        attn_input = new AttentionInputSlot(layerIndex, options.HiddenSize);
        self_attn = new LlamaAttention(options);
        post_attention_layernorm = new RmsNorm(options.HiddenSize, options.RmsNormEps);
        mlp = new LlamaMlp(layerIndex, options);
        RegisterComponents();
    }

    /// <summary>Runs the block on <see cref="AttentionInput.Hidden"/> (the residual stream, not yet normed).</summary>
    public override Tensor forward(AttentionInput input)
    {
        using var scope = NewDisposeScope();
        Tensor x = input.Hidden;
        Tensor attentionIn = attn_input.call(input_layernorm.call(x));
        Tensor h = x + self_attn.call(input with { Hidden = attentionIn });
        Tensor output = h + mlp.call(post_attention_layernorm.call(h));
        return output.MoveToOuterDisposeScope();
    }
}
