using System.Text.Json;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Interop;
using Pipeline.Contracts.Media;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// The <c>audio</c> encoder: pads or trims waveforms to the clip length and runs them through a Whisper-style
/// <see cref="WhisperAudioEncoder"/>. Adapters can target its six projections per block
/// (<c>layers.{i}.self_attn.{q,k,v,out}_proj</c>, <c>layers.{i}.fc{1,2}</c>) and its attention inputs
/// (<c>layers.{i}.attn_input</c>); it has no gated feed-forward network and no sequence prefix. Position 0, the
/// routing position of attention-input adapters, is the learned class token with <c>class_token: true</c>, otherwise the
/// first frame (Whisper has no [CLS]). It loads Hugging Face
/// Whisper encoders (<see cref="WhisperCheckpointLayout"/>); the class token has no Whisper counterpart. Clips longer
/// than <c>clip_seconds</c> are reported to the host (<see cref="IMediaLengthLimit"/>) before they are cut.
/// </summary>
public sealed class AudioEncoder : Common.TransformerEncoderComponent, IHuggingFaceLayout, IMediaLengthLimit
{
    private readonly AudioEncoderOptions _options;

    /// <summary>Builds the encoder with fresh weights; seeds the global generator with <see cref="EncoderBuildContext.Seed"/> first.</summary>
    public AudioEncoder(AudioEncoderOptions options, EncoderBuildContext context)
        : base(context.Name, BuildSeeded(context, device => new WhisperAudioEncoder(options, device)), options.Width, options.TokenCount)
    {
        _options = options;
    }

    /// <inheritdoc />
    public override string Modality => "audio";

    /// <inheritdoc />
    public IReadOnlyList<string> KeyPrefixes => WhisperCheckpointLayout.KeyPrefixes;

    /// <inheritdoc />
    public IReadOnlyList<string> UnusedKeys => WhisperCheckpointLayout.UnusedKeys;

    /// <inheritdoc />
    public IReadOnlyList<string> CheckConfig(JsonElement config) => WhisperCheckpointLayout.CheckConfig(config, _options);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> TiedKeys(JsonElement config) => new Dictionary<string, string>();

    /// <summary>
    /// Checks each clip's sample rate, pads it with zeros or cuts it to <c>clip_seconds</c>, and returns
    /// <c>B x samples</c> on <paramref name="device"/>. The spectrogram is computed inside <c>Encode</c>.
    /// </summary>
    public override Tensor Collate(IReadOnlyList<MediaItem> items, Device device)
    {
        int samples = _options.ClipSamples;
        var batch = new float[items.Count * samples];
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is not AudioItem audio)
                throw new InvalidDataException($"'{items[i].SourceId}': encoder '{Name}' takes audio, got {items[i].Modality}");
            if (audio.SampleRate != _options.SampleRate)
                throw new InvalidDataException(
                    $"'{audio.SourceId}': sample rate is {audio.SampleRate} Hz, but encoder '{Name}' expects {_options.SampleRate} Hz; resample the audio");
            Array.Copy(audio.Samples, 0, batch, i * samples, Math.Min(audio.Samples.Length, samples));
        }
        using var scope = NewDisposeScope();
        return tensor(batch, [items.Count, samples], device: CPU).to(device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The cut <see cref="Collate"/> makes to a clip longer than <c>clip_seconds</c> (<c>null</c> for shorter or equal
    /// clips, which are kept whole and padded, and for items <see cref="Collate"/> rejects).
    /// </summary>
    public MediaCut? CutOf(MediaItem item)
    {
        if (item is not AudioItem audio || audio.SampleRate != _options.SampleRate || audio.Samples.Length <= _options.ClipSamples) return null;
        return new MediaCut((double)audio.Samples.Length / audio.SampleRate, (double)_options.ClipSamples / _options.SampleRate);
    }
}
