using System.Text.Json;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Interop;
using Pipeline.Contracts.Media;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>
/// The <c>vision</c> encoder: resizes and normalises images and runs them through a CLIP-style
/// <see cref="ClipVisionTransformer"/>. Adapters can target its six projections per block
/// (<c>encoder.layers.{i}.self_attn.{q,k,v,out}_proj</c>, <c>encoder.layers.{i}.mlp.fc{1,2}</c>) and its
/// attention inputs (<c>encoder.layers.{i}.attn_input</c>); it has no gated feed-forward network and no sequence prefix.
/// It loads Hugging Face CLIP vision towers (<see cref="ClipCheckpointLayout"/>).
/// </summary>
public sealed class VisionEncoder : Common.TransformerEncoderComponent, IHuggingFaceLayout
{
    private readonly VisionEncoderOptions _options;

    /// <summary>Builds the encoder with fresh weights; seeds the global generator with <see cref="EncoderBuildContext.Seed"/> first.</summary>
    public VisionEncoder(VisionEncoderOptions options, EncoderBuildContext context)
        : base(context.Name, BuildSeeded(context, device => new ClipVisionTransformer(options, device)), options.Width, options.TokenCount)
    {
        _options = options;
    }

    /// <inheritdoc />
    public override string Modality => "image";

    /// <inheritdoc />
    public IReadOnlyList<string> KeyPrefixes => ClipCheckpointLayout.KeyPrefixes;

    /// <inheritdoc />
    public IReadOnlyList<string> UnusedKeys => ClipCheckpointLayout.UnusedKeys;

    /// <inheritdoc />
    public IReadOnlyList<string> CheckConfig(JsonElement config) => ClipCheckpointLayout.CheckConfig(config, _options);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> TiedKeys(JsonElement config) => new Dictionary<string, string>();

    /// <summary>
    /// Resizes every image to <c>image_size x image_size</c> (bilinear, antialiased when shrinking, no crop), then
    /// normalises each channel with <c>channel_mean</c> and <c>channel_std</c>. Returns <c>B x 3 x S x S</c> on <paramref name="device"/>.
    /// </summary>
    public override Tensor Collate(IReadOnlyList<MediaItem> items, Device device)
    {
        using var scope = NewDisposeScope();
        var images = new List<Tensor>(items.Count);
        foreach (var item in items)
        {
            if (item is not ImageItem image)
                throw new InvalidDataException($"'{item.SourceId}': encoder '{Name}' takes images, got {item.Modality}");
            if (image.Height < 1 || image.Width < 1 || image.Pixels.Length != 3L * image.Height * image.Width)
                throw new InvalidDataException(
                    $"'{image.SourceId}': expected 3 x {image.Height} x {image.Width} = {3L * image.Height * image.Width} pixel values, got {image.Pixels.Length}");
            Tensor pixels = tensor(image.Pixels, [1, 3, image.Height, image.Width], device: CPU);
            images.Add(nn.functional.interpolate(pixels, size: [_options.ImageSize, _options.ImageSize],
                mode: InterpolationMode.Bilinear, align_corners: false, antialias: true));
        }
        Tensor batch = cat(images, dim: 0);
        Tensor mean = tensor(_options.ChannelMean.Select(v => (float)v).ToArray(), [1, 3, 1, 1], device: CPU);
        Tensor std = tensor(_options.ChannelStd.Select(v => (float)v).ToArray(), [1, 3, 1, 1], device: CPU);
        return ((batch - mean) / std).to(device).MoveToOuterDisposeScope();
    }

}
