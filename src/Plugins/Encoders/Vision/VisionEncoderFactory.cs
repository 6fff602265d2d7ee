using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>Exports the <c>vision</c> encoder: a CLIP-style ViT with Hugging Face state-dict names.</summary>
[ExportEncoder("vision")]
public sealed class VisionEncoderFactory : EncoderFactory<VisionEncoderOptions>
{
    /// <inheritdoc />
    public override string Description => "CLIP-style ViT image encoder (patch tokens, or [CLS] after every k-th block as in LaVIN)";

    /// <inheritdoc />
    protected override IEncoder Create(VisionEncoderOptions options, EncoderBuildContext context) => new VisionEncoder(options, context);
}
