using Pipeline.Contracts.Modules;
using Pipeline.Plugins.Encoders.Common;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>
/// One pre-LN CLIP block: <c>h = x + Attn(Slot(LN1(x)))</c>, <c>out = h + MLP(LN2(h))</c>. <c>Slot</c> is the
/// block's <see cref="AttentionInputSlot"/> (<c>attn_input</c>, no parameters), where MMA-style adapters attach.
/// </summary>
public sealed class ClipEncoderLayer : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "layer_norm1")] private readonly LayerNorm _attentionNorm;
    [ComponentName(Name = "attn_input")] private readonly AttentionInputSlot _attentionInput;
    [ComponentName(Name = "self_attn")] private readonly MultiHeadSelfAttention _attention;
    [ComponentName(Name = "layer_norm2")] private readonly LayerNorm _mlpNorm;
    [ComponentName(Name = "mlp")] private readonly ClipMlp _mlp;

    /// <param name="layerIndex">The block index, from 0.</param>
    /// <param name="options">The tower's options (width, heads, MLP ratio, activation).</param>
    /// <param name="device">The device to create the parameters on.</param>
    public ClipEncoderLayer(int layerIndex, VisionEncoderOptions options, Device device) : base(nameof(ClipEncoderLayer))
    {
        _attentionNorm = nn.LayerNorm(options.Width, eps: 1e-5, device: device);
        _attentionInput = new AttentionInputSlot(layerIndex, options.Width);
        _attention = new MultiHeadSelfAttention(options.Width, options.Heads, keyHasBias: true, device);
        _mlpNorm = nn.LayerNorm(options.Width, eps: 1e-5, device: device);
        _mlp = new ClipMlp(options.Width, options.Width * options.MlpRatio, options.Activation, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor afterAttention = input + _attention.call(_attentionInput.call(_attentionNorm.call(input)));
        Tensor output = afterAttention + _mlp.call(_mlpNorm.call(afterAttention));
        return output.MoveToOuterDisposeScope();
    }
}
