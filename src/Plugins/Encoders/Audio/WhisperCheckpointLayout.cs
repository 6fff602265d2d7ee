using System.Text.Json;
using Pipeline.Contracts.Interop;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// Where the audio encoder sits in Hugging Face Whisper checkpoints: <c>WhisperForConditionalGeneration</c>
/// (<c>model.encoder.</c>), <c>WhisperModel</c> (<c>encoder.</c>) or a bare <c>WhisperEncoder</c> (no prefix); the
/// decoder keys those checkpoints also hold; and which <c>WhisperConfig</c> fields must match the options.
/// </summary>
internal static class WhisperCheckpointLayout
{
    public static readonly IReadOnlyList<string> KeyPrefixes = ["model.encoder.", "encoder.", ""];

    public static readonly IReadOnlyList<string> UnusedKeys = ["model.decoder.**", "decoder.**", "proj_out.weight"];

    /// <summary>
    /// Checks the top level of a <c>WhisperConfig</c> against <paramref name="options"/>, with its defaults (Whisper
    /// tiny's dimensions) for absent fields. The feature extractor's settings (sample rate, FFT, hop) live in
    /// <c>preprocessor_config.json</c> and are not checked; <c>max_source_positions</c> ties the clip length to the
    /// checkpoint's position table.
    /// </summary>
    public static IReadOnlyList<string> CheckConfig(JsonElement config, AudioEncoderOptions options)
    {
        var check = new HuggingFaceConfigCheck(config);
        if (HuggingFaceConfigCheck.Field(config, "model_type") is { ValueKind: JsonValueKind.String } type && type.GetString() != "whisper")
            check.Add($"model_type is {type.GetRawText()} in config.json, but the audio encoder is Whisper's (whisper)");
        return check
            .Integer("d_model", 384, options.Width, "width")
            .Integer("encoder_ffn_dim", 1536, options.Width * options.MlpRatio, "width * mlp_ratio")
            .Integer("encoder_layers", 4, options.Layers, "layers")
            .Integer("encoder_attention_heads", 6, options.Heads, "heads")
            .Integer("num_mel_bins", 80, options.MelBins, "mel_bins")
            .Integer("max_source_positions", 1500, options.EncodedFrameCount,
                $"the encoder's position count (frames after conv2 for clip_seconds {HuggingFaceConfigCheck.Format(options.ClipSeconds)} at hop_length {options.HopLength})")
            .Text("activation_function", "gelu", "gelu", "the encoder's activation")
            .Mismatches;
    }
}
