using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>Exports the <c>audio</c> encoder: a Whisper-style encoder over a built-in log-mel front end.</summary>
[ExportEncoder("audio")]
public sealed class AudioEncoderFactory : IEncoderFactory
{
    /// <inheritdoc />
    public Type OptionsType => typeof(AudioEncoderOptions);

    /// <inheritdoc />
    public string Description => "Whisper-style audio encoder (log-mel, two convolutions, transformer; optional average pooling)";

    /// <inheritdoc />
    public IEncoder Create(object options, EncoderBuildContext context) => options switch
    {
        AudioEncoderOptions audio => new AudioEncoder(audio, context),
        _ => throw new ArgumentException(
            $"encoder 'audio' expects options of type {nameof(AudioEncoderOptions)}, got {options?.GetType().Name ?? "null"}", nameof(options)),
    };
}
