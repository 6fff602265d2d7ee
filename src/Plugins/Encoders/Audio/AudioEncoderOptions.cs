using Pipeline.Contracts.Options;
using Pipeline.Plugins.Encoders.Common;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// Options of the <c>audio</c> encoder, a Whisper-style encoder over a log-mel spectrogram it computes itself.
/// YAML keys are the property names in snake_case (<c>hop_length</c>). The defaults are a tiny encoder for CPU
/// training on half-second clips; Whisper base is <c>clip_seconds: 30, mel_bins: 80, width: 512, layers: 6, heads: 8</c>.
/// </summary>
public sealed record AudioEncoderOptions : IValidatableOptions
{
    /// <summary>Samples per second the encoder accepts; other rates are rejected, not resampled. Default 16000.</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>Clip length in seconds: shorter audio is padded with zeros, longer audio is cut. Default 0.5.</summary>
    public double ClipSeconds { get; init; } = 0.5;

    /// <summary>FFT size and Hann window length, in samples. Default 400 (25 ms at 16 kHz, as Whisper).</summary>
    public int NFft { get; init; } = 400;

    /// <summary>Samples between spectrogram frames. Default 160 (10 ms at 16 kHz, as Whisper).</summary>
    public int HopLength { get; init; } = 160;

    /// <summary>Mel filters, which are the input channels of <c>conv1</c>. Default 40 (Whisper: 80).</summary>
    public int MelBins { get; init; } = 40;

    /// <summary>Hidden width of the transformer, which is also the output width. Default 64.</summary>
    public int Width { get; init; } = 64;

    /// <summary>Number of transformer blocks. Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads per block; must divide <see cref="Width"/>. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>MLP hidden width as a multiple of <see cref="Width"/>. Default 4 (as in Whisper).</summary>
    public int MlpRatio { get; init; } = 4;

    /// <summary>
    /// Average-pools the encoder's frames down to this many output tokens, so the LLM sequence stays short;
    /// 0 returns every frame after <c>conv2</c>. Default 8 (the default clip has 25 frames after <c>conv2</c>).
    /// </summary>
    public int PoolTo { get; init; } = 8;

    /// <summary>Samples per clip after padding or trimming.</summary>
    public int ClipSamples => (int)Math.Round(SampleRate * ClipSeconds);

    /// <summary>Spectrogram frames per clip (one per hop).</summary>
    public int FrameCount => LogMelSpectrogram.FrameCount(ClipSamples, Math.Max(HopLength, 1));

    /// <summary>Frames after <c>conv2</c> (stride 2): <c>ceil(frames / 2)</c>.</summary>
    public int EncodedFrameCount => (FrameCount + 1) / 2;

    /// <summary>Tokens per clip that these options produce.</summary>
    public int TokenCount => PoolTo > 0 ? PoolTo : EncodedFrameCount;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        var errors = new List<OptionError?>
        {
            OptionRules.AtLeast("sample_rate", SampleRate, 1),
            OptionRules.Positive("clip_seconds", ClipSeconds),
            OptionRules.AtLeast("n_fft", NFft, 2),
            OptionRules.AtLeast("hop_length", HopLength, 1),
            OptionRules.AtLeast("mel_bins", MelBins, 1),
            OptionRules.AtLeast("width", Width, 1),
            OptionRules.AtLeast("layers", Layers, 1),
            OptionRules.AtLeast("heads", Heads, 1),
            Width >= 1 && Heads >= 1 && Width % Heads != 0
                ? new OptionError("width", $"must be divisible by heads ({Heads}), got {Width}") : null,
            OptionRules.AtLeast("mlp_ratio", MlpRatio, 1),
            OptionRules.AtLeast("pool_to", PoolTo, 0),
        };
        bool clipValid = SampleRate >= 1 && ClipSeconds > 0 && double.IsFinite(ClipSeconds) && NFft >= 2 && HopLength >= 1;
        if (clipValid && ClipSamples <= NFft / 2)
            errors.Add(new OptionError("clip_seconds",
                $"must give more than n_fft / 2 ({NFft / 2}) samples at sample_rate {SampleRate}, got {OptionRules.Format(ClipSeconds)} ({ClipSamples} samples)"));
        else if (clipValid && FrameCount < 1)
            errors.Add(new OptionError("clip_seconds",
                $"must give at least hop_length ({HopLength}) samples at sample_rate {SampleRate}, got {OptionRules.Format(ClipSeconds)} ({ClipSamples} samples)"));
        else if (clipValid && PoolTo > EncodedFrameCount)
            errors.Add(new OptionError("pool_to", $"must be at most {EncodedFrameCount} (the frames after conv2), got {PoolTo}"));
        return errors.OfType<OptionError>().ToList();
    }
}
