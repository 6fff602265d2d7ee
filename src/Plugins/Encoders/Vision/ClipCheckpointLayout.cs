using System.Text.Json;
using Pipeline.Contracts.Interop;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>
/// Where the vision tower sits in Hugging Face checkpoints: <c>CLIPVisionModel</c> and <c>CLIPModel</c>
/// (<c>vision_model.</c>), and LLaVA (<c>vision_tower.vision_model.</c>, or <c>model.vision_tower.vision_model.</c> in
/// newer transformers); what else those checkpoints hold; and which <c>CLIPVisionConfig</c> fields must match the options.
/// </summary>
internal static class ClipCheckpointLayout
{
    public static readonly IReadOnlyList<string> KeyPrefixes =
        ["vision_model.", "vision_tower.vision_model.", "model.vision_tower.vision_model."];

    public static readonly IReadOnlyList<string> UnusedKeys =
    [
        "**.position_ids",
        "text_model.**", "text_projection.weight", "visual_projection.weight", "logit_scale",
        "language_model.**", "multi_modal_projector.**", "lm_head.weight",
        "model.language_model.**", "model.multi_modal_projector.**",
    ];

    /// <summary>
    /// Checks <c>vision_config</c> (CLIP, LLaVA) or the top level (<c>CLIPVisionModel</c>) against
    /// <paramref name="options"/>, with <c>CLIPVisionConfig</c>'s defaults for absent fields.
    /// </summary>
    public static IReadOnlyList<string> CheckConfig(JsonElement config, VisionEncoderOptions options)
    {
        var section = HuggingFaceConfigCheck.Section(config, "vision_config");
        var check = new HuggingFaceConfigCheck(section);
        if (HuggingFaceConfigCheck.Field(section, "model_type") is { ValueKind: JsonValueKind.String } type && type.GetString() != "clip_vision_model")
            check.Add($"model_type is {type.GetRawText()} in config.json, but the vision encoder is CLIP's (clip_vision_model)");
        return check
            .Integer("hidden_size", 768, options.Width, "width")
            .Integer("intermediate_size", 3072, options.Width * options.MlpRatio, "width * mlp_ratio")
            .Integer("num_hidden_layers", 12, options.Layers, "layers")
            .Integer("num_attention_heads", 12, options.Heads, "heads")
            .Integer("image_size", 224, options.ImageSize, "image_size")
            .Integer("patch_size", 32, options.PatchSize, "patch_size")
            .Integer("num_channels", 3, 3, "the encoder's input channels")
            .Text("hidden_act", Common.Activations.QuickGelu, options.Activation, "activation")
            .Number("layer_norm_eps", 1e-5, 1e-5, "the encoder's layer_norm_eps")
            .Mismatches;
    }
}
