using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// Whisper's log-mel front end as a module without weights: a centred STFT (periodic Hann window, reflect padding)
/// whose last frame is dropped, power spectrum (magnitude squared), Slaney mel filters (<see cref="MelFilterbank"/>),
/// <c>log10(max(mel, 1e-10))</c>, a floor 8 below the sample's maximum, and <c>(x + 4) / 4</c>.
/// Whisper takes the floor over the whole input; here it is per sample, so a batch gives what each clip gives alone.
/// The window and the filters are non-persistent buffers: they follow the module between devices and stay out of
/// the state dict.
/// </summary>
public sealed class LogMelSpectrogram : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "window")] private readonly Tensor _window;
    [ComponentName(Name = "mel_filters")] private readonly Tensor _melFilters;
    private readonly int _nFft;
    private readonly int _hopLength;

    /// <param name="sampleRate">Samples per second of the input.</param>
    /// <param name="nFft">FFT size (and window length).</param>
    /// <param name="hopLength">Samples between frames.</param>
    /// <param name="melBins">Number of mel filters.</param>
    /// <param name="device">The device to create the buffers on.</param>
    public LogMelSpectrogram(int sampleRate, int nFft, int hopLength, int melBins, Device device) : base(nameof(LogMelSpectrogram))
    {
        _nFft = nFft;
        _hopLength = hopLength;
        _window = hann_window(nFft, periodic: true, dtype: float32, device: device);
        _melFilters = tensor(MelFilterbank.Create(sampleRate, nFft, melBins), [melBins, nFft / 2 + 1], dtype: float32, device: device);
        register_buffer("window", _window, persistent: false);
        register_buffer("mel_filters", _melFilters, persistent: false);
        RegisterComponents();
    }

    /// <summary>Frames produced for <paramref name="samples"/> samples: one per hop (the centred STFT's extra last frame is dropped).</summary>
    public static int FrameCount(int samples, int hopLength) => samples / hopLength;

    /// <summary>Turns waveforms (<c>B x samples</c>) into fp32 log-mel features <c>B x melBins x frames</c>.</summary>
    public override Tensor forward(Tensor waveforms)
    {
        using var scope = NewDisposeScope();
        // The spectrogram is computed in fp32 even when the module was converted to a lower precision.
        Tensor window = get_buffer("window")!.to(float32);
        Tensor filters = get_buffer("mel_filters")!.to(float32);
        Tensor spectrum = stft(waveforms.to(float32), _nFft, hop_length: _hopLength, window: window, center: true,
            pad_mode: PaddingModes.Reflect, return_complex: true);
        Tensor power = spectrum[.., .., ..^1].abs().square();
        Tensor mel = matmul(filters, power);
        Tensor logMel = mel.clamp(min: 1e-10).log10();
        Tensor floor = logMel.amax([1, 2], keepdim: true) - 8.0;
        return ((maximum(logMel, floor) + 4.0) / 4.0).MoveToOuterDisposeScope();
    }
}
