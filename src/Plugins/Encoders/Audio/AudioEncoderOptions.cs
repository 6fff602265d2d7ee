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
    /// <summary>The value of <see cref="OutputTokens"/> that returns the frames after the final <c>layer_norm</c> (pooled by <see cref="PoolTo"/>).</summary>
    public const string FrameTokens = "frames";

    /// <summary>
    /// The value of <see cref="OutputTokens"/> that returns the class token's hidden state after every <see cref="ClsEvery"/>-th
    /// block, as the vision encoder's <c>cls_every_k</c> (LaVIN/MMA); needs <see cref="ClassToken"/>.
    /// </summary>
    public const string ClsEveryKTokens = "cls_every_k";

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

    /// <summary>
    /// Prepends a learned class token (<c>class_embedding</c>, <c>N(0, C^-1/2)</c> as CLIP's [CLS]) at position 0, after the
    /// frame positions are added, so that attention-input adapters such as MMA route on it as on the vision encoder's [CLS].
    /// It is dropped from <c>frames</c> output. Whisper has none. Default false (position 0 is then the first frame).
    /// </summary>
    public bool ClassToken { get; init; }

    /// <summary>
    /// Which tokens <c>Encode</c> returns: <c>frames</c> (default; <see cref="PoolTo"/> tokens, or every frame) or
    /// <c>cls_every_k</c> (<c>layers / cls_every</c> tokens: the raw class-token state after blocks k, 2k, ...; needs
    /// <see cref="ClassToken"/>; <see cref="PoolTo"/> and the final <c>layer_norm</c> are then unused).
    /// </summary>
    public string OutputTokens { get; init; } = FrameTokens;

    /// <summary>k for <c>cls_every_k</c>: take the class token after every k-th block; must divide <see cref="Layers"/>. Default 1.</summary>
    public int ClsEvery { get; init; } = 1;

    /// <summary>Samples per clip after padding or trimming.</summary>
    public int ClipSamples => (int)Math.Round(SampleRate * ClipSeconds);

    /// <summary>Spectrogram frames per clip (one per hop).</summary>
    public int FrameCount => LogMelSpectrogram.FrameCount(ClipSamples, Math.Max(HopLength, 1));

    /// <summary>Frames after <c>conv2</c> (stride 2): <c>ceil(frames / 2)</c>.</summary>
    public int EncodedFrameCount => (FrameCount + 1) / 2;

    /// <summary>Tokens per clip that these options produce.</summary>
    public int TokenCount => OutputTokens == ClsEveryKTokens
        ? Layers / Math.Max(ClsEvery, 1)
        : PoolTo > 0 ? PoolTo : EncodedFrameCount;

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
            OptionRules.OneOf("output_tokens", OutputTokens, FrameTokens, ClsEveryKTokens),
            OptionRules.AtLeast("cls_every", ClsEvery, 1),
            OutputTokens == ClsEveryKTokens && Layers >= 1 && ClsEvery >= 1 && Layers % ClsEvery != 0
                ? new OptionError("cls_every", $"must divide layers ({Layers}), got {ClsEvery}") : null,
            OutputTokens == ClsEveryKTokens && !ClassToken
                ? new OptionError("output_tokens", "cls_every_k needs class_token: true (the audio encoder has no [CLS] otherwise)") : null,
        };
        bool clipValid = SampleRate >= 1 && ClipSeconds > 0 && double.IsFinite(ClipSeconds) && NFft >= 2 && HopLength >= 1;
        if (clipValid && ClipSamples <= NFft / 2)
            errors.Add(new OptionError("clip_seconds",
                $"must give more than n_fft / 2 ({NFft / 2}) samples at sample_rate {SampleRate}, got {OptionRules.Format(ClipSeconds)} ({ClipSamples} samples)"));
        else if (clipValid && FrameCount < 1)
            errors.Add(new OptionError("clip_seconds",
                $"must give at least hop_length ({HopLength}) samples at sample_rate {SampleRate}, got {OptionRules.Format(ClipSeconds)} ({ClipSamples} samples)"));
        else if (clipValid && OutputTokens != ClsEveryKTokens && PoolTo > EncodedFrameCount)
            errors.Add(new OptionError("pool_to", $"must be at most {EncodedFrameCount} (the frames after conv2), got {PoolTo}"));
        return errors.OfType<OptionError>().ToList();
    }
}
