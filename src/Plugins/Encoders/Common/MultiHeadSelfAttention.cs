using Pipeline.Contracts.Modules;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Common;

/// <summary>
/// Bidirectional multi-head self-attention with four adaptable projections, named as in Hugging Face's CLIP and
/// Whisper attention (<c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>out_proj</c>). Scores are scaled by
/// <c>1 / sqrt(head width)</c> inside <c>scaled_dot_product_attention</c>, which is where both models scale them.
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "q_proj")] private readonly AdaptableLinear _queryProjection;
    [ComponentName(Name = "k_proj")] private readonly AdaptableLinear _keyProjection;
    [ComponentName(Name = "v_proj")] private readonly AdaptableLinear _valueProjection;
    [ComponentName(Name = "out_proj")] private readonly AdaptableLinear _outputProjection;
    private readonly int _heads;

    /// <param name="width">The hidden width C; must be divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">The number of attention heads.</param>
    /// <param name="keyHasBias">Whether <c>k_proj</c> has a bias (CLIP: yes; Whisper: no).</param>
    /// <param name="device">The device to create the parameters on.</param>
    public MultiHeadSelfAttention(int width, int heads, bool keyHasBias, Device device) : base(nameof(MultiHeadSelfAttention))
    {
        if (width % heads != 0) throw new ArgumentException($"width {width} is not divisible by heads {heads}", nameof(heads));
        _heads = heads;
        _queryProjection = new AdaptableLinear(width, width, hasBias: true, device: device);
        _keyProjection = new AdaptableLinear(width, width, hasBias: keyHasBias, device: device);
        _valueProjection = new AdaptableLinear(width, width, hasBias: true, device: device);
        _outputProjection = new AdaptableLinear(width, width, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <summary>Attends over <paramref name="input"/> (<c>B x N x C</c>) without a mask; returns <c>B x N x C</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0], length = input.shape[1], width = input.shape[2];
        Tensor SplitHeads(Tensor x) => x.view(batch, length, _heads, width / _heads).transpose(1, 2);
        Tensor query = SplitHeads(_queryProjection.call(input));
        Tensor key = SplitHeads(_keyProjection.call(input));
        Tensor value = SplitHeads(_valueProjection.call(input));
        Tensor attended = nn.functional.scaled_dot_product_attention(query, key, value, is_casual: false);
        Tensor merged = attended.transpose(1, 2).reshape(batch, length, width);
        return _outputProjection.call(merged).MoveToOuterDisposeScope();
    }
}
