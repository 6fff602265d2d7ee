using System.Text.Json;

namespace Pipeline.Contracts.Interop;

/// <summary>
/// Implemented by a component (an <see cref="Adapters.IAdaptableComponent"/>) whose module's state dict mirrors a
/// Hugging Face model, so the host can load that model's checkpoint directories into it (YAML
/// <c>model.weights.&lt;component&gt;</c>) and export the component's LoRA adapters in PEFT's layout. A checkpoint key is
/// one of <see cref="KeyPrefixes"/> followed by a key of the component's module state dict.
/// </summary>
/// <remarks>
/// The host reads <c>config.json</c> and the safetensors files; the component only says where its tensors sit in
/// the checkpoint, which other keys are expected there and skipped, and whether <c>config.json</c> describes a model
/// of its shape. The host checks every tensor's shape as well, and reports missing and unexpected keys.
/// </remarks>
public interface IHuggingFaceLayout
{
    /// <summary>
    /// Where the component's module sits in the checkpoints it reads, for example <c>vision_model.</c> (CLIP),
    /// <c>model.encoder.</c> (Whisper) or the empty string (the module is the whole model). The host picks the prefix
    /// under which the checkpoint holds most of the module's keys. The first prefix is the one exports write (PEFT
    /// keys are <c>base_model.model.</c> + prefix + module path).
    /// </summary>
    IReadOnlyList<string> KeyPrefixes { get; }

    /// <summary>
    /// Checkpoint keys that belong to other parts of the checkpoints this layout reads (a text tower, a decoder) or
    /// are not weights (<c>position_ids</c> buffers): they are skipped as <em>unused</em> instead of reported as
    /// unexpected. Patterns match whole keys; <c>*</c> stands for any characters within one dot-separated segment
    /// and <c>**</c> for any characters across segments (<c>text_model.**</c>, <c>**.position_ids</c>).
    /// </summary>
    IReadOnlyList<string> UnusedKeys { get; }

    /// <summary>
    /// Compares the checkpoint's parsed <c>config.json</c> with the component's options and returns one line per
    /// mismatch, naming both sides: <c>num_hidden_layers is 32 in config.json, but layers is 2</c>. Empty when the
    /// checkpoint fits. Fields absent from <c>config.json</c> take the Hugging Face class defaults.
    /// </summary>
    IReadOnlyList<string> CheckConfig(JsonElement config);

    /// <summary>
    /// Module keys the checkpoint may leave out because <paramref name="config"/> ties them to another module key
    /// (for example <c>lm_head.weight</c> to <c>model.embed_tokens.weight</c> when <c>tie_word_embeddings</c> is
    /// true). The host copies the other tensor into them.
    /// </summary>
    IReadOnlyDictionary<string, string> TiedKeys(JsonElement config);
}
