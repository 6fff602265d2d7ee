using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>Exports the <c>audio</c> encoder: a Whisper-style encoder over a built-in log-mel front end.</summary>
[ExportEncoder("audio")]
public sealed class AudioEncoderFactory : EncoderFactory<AudioEncoderOptions>
{
    /// <inheritdoc />
    public override string Description => "Whisper-style audio encoder (log-mel, two convolutions, transformer; optional average pooling)";

    /// <inheritdoc />
    protected override IEncoder Create(AudioEncoderOptions options, EncoderBuildContext context) => new AudioEncoder(options, context);
}
