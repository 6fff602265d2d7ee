using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>Exports the <c>vision</c> encoder: a CLIP-style ViT with Hugging Face state-dict names.</summary>
[ExportEncoder("vision")]
public sealed class VisionEncoderFactory : IEncoderFactory
{
    /// <inheritdoc />
    public Type OptionsType => typeof(VisionEncoderOptions);

    /// <inheritdoc />
    public string Description => "CLIP-style ViT image encoder (patch tokens, or [CLS] after every k-th block as in LaVIN)";

    /// <inheritdoc />
    public IEncoder Create(object options, EncoderBuildContext context) => options switch
    {
        VisionEncoderOptions vision => new VisionEncoder(vision, context),
        _ => throw new ArgumentException(
            $"encoder 'vision' expects options of type {nameof(VisionEncoderOptions)}, got {options?.GetType().Name ?? "null"}", nameof(options)),
    };
}
