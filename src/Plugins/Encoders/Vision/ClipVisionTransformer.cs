using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>
/// The vision tower, laid out as Hugging Face's <c>CLIPVisionModel.vision_model</c> so its state-dict keys match
/// (<c>embeddings.*</c>, <c>pre_layrnorm.*</c> with CLIP's spelling, <c>encoder.layers.{i}.*</c>, <c>post_layernorm.*</c>).
/// Takes normalised pixels <c>B x 3 x S x S</c>; returns the tokens <see cref="VisionEncoderOptions.OutputTokens"/> selects.
/// </summary>
public sealed class ClipVisionTransformer : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "embeddings")] private readonly ClipVisionEmbeddings _embeddings;
    [ComponentName(Name = "pre_layrnorm")] private readonly LayerNorm _preNorm;
    [ComponentName(Name = "encoder")] private readonly ClipEncoder _encoder;
    [ComponentName(Name = "post_layernorm")] private readonly LayerNorm _postNorm;
    private readonly bool _clsEveryK;
    private readonly int _clsEvery;

    /// <param name="options">Validated options.</param>
    /// <param name="device">The device to create the parameters on.</param>
    public ClipVisionTransformer(VisionEncoderOptions options, Device device) : base(nameof(ClipVisionTransformer))
    {
        _clsEveryK = options.OutputTokens == VisionEncoderOptions.ClsEveryKTokens;
        _clsEvery = options.ClsEvery;
        _embeddings = new ClipVisionEmbeddings(options.ImageSize, options.PatchSize, options.Width, device);
        _preNorm = nn.LayerNorm(options.Width, eps: 1e-5, device: device);
        _encoder = new ClipEncoder(options, device);
        _postNorm = nn.LayerNorm(options.Width, eps: 1e-5, device: device);
        RegisterComponents();
    }

    /// <summary>
    /// <c>patches</c>: <c>post_layernorm</c> of the last hidden state without [CLS], <c>B x (S/P)^2 x C</c>.
    /// <c>cls_every_k</c>: the raw [CLS] hidden state after blocks k, 2k, ..., <c>B x (layers/k) x C</c>
    /// (LaVIN takes it before any final norm; <c>post_layernorm</c> is then unused).
    /// </summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        Tensor hidden = _preNorm.call(_embeddings.call(pixels));
        if (!_clsEveryK)
        {
            Tensor last = _encoder.call(hidden);
            return _postNorm.call(last)[.., 1..].MoveToOuterDisposeScope();
        }

        var classStates = new List<Tensor>();
        for (int i = 0; i < _encoder.Layers.Count; i++)
        {
            hidden = _encoder.Layers[i].call(hidden);
            if ((i + 1) % _clsEvery == 0) classStates.Add(hidden[.., 0]);
        }
        return stack(classStates, dim: 1).MoveToOuterDisposeScope();
    }
}
