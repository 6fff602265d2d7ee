using Pipeline.Contracts.Options;
using Pipeline.Plugins.Encoders.Common;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>
/// Options of the <c>vision</c> encoder, a ViT in the style of CLIP's vision tower. YAML keys are the property names
/// in snake_case (<c>patch_size</c>). The defaults are a tiny tower that trains on a CPU; CLIP ViT-L/14 is
/// <c>image_size: 224, patch_size: 14, width: 1024, layers: 24, heads: 16</c>.
/// </summary>
public sealed record VisionEncoderOptions : IValidatableOptions
{
    /// <summary>The value of <see cref="OutputTokens"/> that returns every patch token (all but [CLS]) after <c>post_layernorm</c>.</summary>
    public const string PatchTokens = "patches";

    /// <summary>The value of <see cref="OutputTokens"/> that returns the [CLS] hidden state after every <see cref="ClsEvery"/>-th block (LaVIN/MMA).</summary>
    public const string ClsEveryKTokens = "cls_every_k";

    /// <summary>Side of the square the images are resized to, in pixels. Default 32.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Side of a square patch, in pixels; must divide <see cref="ImageSize"/>. Default 8 (16 patches).</summary>
    public int PatchSize { get; init; } = 8;

    /// <summary>Hidden width of the transformer, which is also the output width. Default 64.</summary>
    public int Width { get; init; } = 64;

    /// <summary>Number of transformer blocks. Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads per block; must divide <see cref="Width"/>. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>MLP hidden width as a multiple of <see cref="Width"/>. Default 4 (as in CLIP).</summary>
    public int MlpRatio { get; init; } = 4;

    /// <summary>The MLP activation: <c>quick_gelu</c> (CLIP's, the default) or <c>gelu</c>.</summary>
    public string Activation { get; init; } = Activations.QuickGelu;

    /// <summary>
    /// Which tokens <c>Encode</c> returns: <c>patches</c> (default; <c>(image_size / patch_size)^2</c> tokens) or
    /// <c>cls_every_k</c> (<c>layers / cls_every</c> tokens, the raw [CLS] hidden state after blocks k, 2k, ...).
    /// </summary>
    public string OutputTokens { get; init; } = PatchTokens;

    /// <summary>k for <c>cls_every_k</c>: take [CLS] after every k-th block; must divide <see cref="Layers"/>. Default 1.</summary>
    public int ClsEvery { get; init; } = 1;

    /// <summary>Per-channel (R, G, B) mean subtracted from pixels in [0, 1]. Default CLIP's constants.</summary>
    public double[] ChannelMean { get; init; } = [0.48145466, 0.4578275, 0.40821073];

    /// <summary>Per-channel (R, G, B) standard deviation pixels are divided by. Default CLIP's constants.</summary>
    public double[] ChannelStd { get; init; } = [0.26862954, 0.26130258, 0.27577711];

    /// <summary>Tokens per image that these options produce.</summary>
    public int TokenCount => OutputTokens == ClsEveryKTokens
        ? Layers / Math.Max(ClsEvery, 1)
        : (ImageSize / Math.Max(PatchSize, 1)) * (ImageSize / Math.Max(PatchSize, 1));

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        OptionError?[] errors =
        [
            OptionRules.AtLeast("image_size", ImageSize, 1),
            OptionRules.AtLeast("patch_size", PatchSize, 1),
            ImageSize >= 1 && PatchSize >= 1 && ImageSize % PatchSize != 0
                ? new OptionError("image_size", $"must be divisible by patch_size ({PatchSize}), got {ImageSize}") : null,
            OptionRules.AtLeast("width", Width, 1),
            OptionRules.AtLeast("layers", Layers, 1),
            OptionRules.AtLeast("heads", Heads, 1),
            Width >= 1 && Heads >= 1 && Width % Heads != 0
                ? new OptionError("width", $"must be divisible by heads ({Heads}), got {Width}") : null,
            OptionRules.AtLeast("mlp_ratio", MlpRatio, 1),
            OptionRules.OneOf("activation", Activation, Activations.QuickGelu, Activations.Gelu),
            OptionRules.OneOf("output_tokens", OutputTokens, PatchTokens, ClsEveryKTokens),
            OptionRules.AtLeast("cls_every", ClsEvery, 1),
            OutputTokens == ClsEveryKTokens && Layers >= 1 && ClsEvery >= 1 && Layers % ClsEvery != 0
                ? new OptionError("cls_every", $"must divide layers ({Layers}), got {ClsEvery}") : null,
            ChannelMean.Length != 3 ? new OptionError("channel_mean", $"must have 3 values (R, G, B), got {ChannelMean.Length}") : null,
            ChannelStd.Length != 3 ? new OptionError("channel_std", $"must have 3 values (R, G, B), got {ChannelStd.Length}") : null,
            .. ChannelStd.Where(s => !(s > 0)).Take(1).Select(s => OptionRules.Positive("channel_std", s)),
        ];
        return errors.OfType<OptionError>().ToList();
    }
}
