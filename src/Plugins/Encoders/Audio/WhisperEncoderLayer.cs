using Pipeline.Contracts.Modules;
using Pipeline.Plugins.Encoders.Common;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// One pre-LN Whisper encoder block, named as Hugging Face's <c>WhisperEncoderLayer</c>:
/// <c>h = x + Attn(Slot(self_attn_layer_norm(x)))</c>, <c>out = h + fc2(gelu(fc1(final_layer_norm(h))))</c>.
/// <c>Slot</c> is the block's <see cref="AttentionInputSlot"/> (<c>attn_input</c>, no parameters). <c>k_proj</c> has no bias.
/// </summary>
public sealed class WhisperEncoderLayer : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "self_attn_layer_norm")] private readonly LayerNorm _attentionNorm;
    [ComponentName(Name = "attn_input")] private readonly AttentionInputSlot _attentionInput;
    [ComponentName(Name = "self_attn")] private readonly MultiHeadSelfAttention _attention;
    [ComponentName(Name = "final_layer_norm")] private readonly LayerNorm _mlpNorm;
    [ComponentName(Name = "fc1")] private readonly AdaptableLinear _fc1;
    [ComponentName(Name = "fc2")] private readonly AdaptableLinear _fc2;

    /// <param name="layerIndex">The block index, from 0.</param>
    /// <param name="options">The encoder's options (width, heads, MLP ratio).</param>
    /// <param name="device">The device to create the parameters on.</param>
    public WhisperEncoderLayer(int layerIndex, AudioEncoderOptions options, Device device) : base(nameof(WhisperEncoderLayer))
    {
        _attentionNorm = nn.LayerNorm(options.Width, eps: 1e-5, device: device);
        _attentionInput = new AttentionInputSlot(layerIndex, options.Width);
        _attention = new MultiHeadSelfAttention(options.Width, options.Heads, keyHasBias: false, device);
        _mlpNorm = nn.LayerNorm(options.Width, eps: 1e-5, device: device);
        _fc1 = new AdaptableLinear(options.Width, options.Width * options.MlpRatio, device: device);
        _fc2 = new AdaptableLinear(options.Width * options.MlpRatio, options.Width, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor afterAttention = input + _attention.call(_attentionInput.call(_attentionNorm.call(input)));
        Tensor mlp = _fc2.call(nn.functional.gelu(_fc1.call(_mlpNorm.call(afterAttention))));
        return (afterAttention + mlp).MoveToOuterDisposeScope();
    }
}
