using System.Text.Json;
using Pipeline.Contracts.Interop;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// How the decoder reads Hugging Face <c>LlamaForCausalLM</c> checkpoints: its module keys are the checkpoint's keys
/// (no prefix), rotary caches that old checkpoints saved are skipped, <c>lm_head.weight</c> comes from the embedding
/// when <c>tie_word_embeddings</c> is true, and <c>LlamaConfig</c> (or a composite model's <c>text_config</c>) must
/// describe the dimensions in <c>model.llm</c>.
/// </summary>
public static class LlamaCheckpointLayout
{
    /// <summary>The decoder is the whole checkpoint.</summary>
    public static readonly IReadOnlyList<string> KeyPrefixes = [""];

    /// <summary>Rotary tables that checkpoints written by transformers before 4.31 hold as buffers.</summary>
    public static readonly IReadOnlyList<string> UnusedKeys = ["**.rotary_emb.inv_freq"];

    /// <summary>The config section describing the decoder: <c>text_config</c> when present, else the top level.</summary>
    public static JsonElement Section(JsonElement config) => HuggingFaceConfigCheck.Section(config, "text_config");

    /// <summary>The checkpoint's <c>vocab_size</c> (LlamaConfig's default 32000 when absent).</summary>
    public static int VocabularySize(JsonElement config) =>
        HuggingFaceConfigCheck.Field(Section(config), "vocab_size") is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out int size)
            ? size
            : 32000;

    /// <summary>Compares <paramref name="config"/> with <paramref name="options"/> (vocabulary already resolved).</summary>
    public static IReadOnlyList<string> CheckConfig(JsonElement config, LlamaOptions options)
    {
        var section = Section(config);
        var check = new HuggingFaceConfigCheck(section);
        if (HuggingFaceConfigCheck.Field(section, "model_type") is { ValueKind: JsonValueKind.String } type && type.GetString() != "llama")
            check.Add($"model_type is {type.GetRawText()} in config.json, but the decoder is LLaMA (llama)");
        long heads = HuggingFaceConfigCheck.Field(section, "num_attention_heads") is { ValueKind: JsonValueKind.Number } h && h.TryGetInt64(out long n) ? n : 32;
        check.Integer("vocab_size", 32000, options.VocabSize, "vocab_size")
            .Integer("hidden_size", 4096, options.HiddenSize, "hidden_size")
            .Integer("intermediate_size", 11008, options.IntermediateSize, "intermediate_size")
            .Integer("num_hidden_layers", 32, options.Layers, "layers")
            .Integer("num_attention_heads", 32, options.Heads, "heads")
            .Integer("num_key_value_heads", heads, options.KvHeads, "kv_heads");
        if (HuggingFaceConfigCheck.Field(section, "head_dim") is not null)
            check.Integer("head_dim", 0, options.HeadDim, "hidden_size / heads");
        CheckRotary(section, options, check);
        return check
            .Number("rms_norm_eps", 1e-6, options.RmsNormEps, "rms_norm_eps")
            .Text("hidden_act", "silu", "silu", "the decoder's activation")
            .Boolean("attention_bias", false, false, "the decoder's attention_bias")
            .Boolean("mlp_bias", false, false, "the decoder's mlp_bias")
            .Mismatches;
    }

    /// <summary><c>lm_head.weight</c> from <c>model.embed_tokens.weight</c> when the checkpoint ties them.</summary>
    public static IReadOnlyDictionary<string, string> TiedKeys(JsonElement config) =>
        HuggingFaceConfigCheck.Field(Section(config), "tie_word_embeddings") is { ValueKind: JsonValueKind.True }
            ? new Dictionary<string, string> { ["lm_head.weight"] = "model.embed_tokens.weight" }
            : new Dictionary<string, string>();

    // rope_theta sits at the top level up to transformers 4.x and in rope_parameters from 5.0; scaled variants
    // (linear, dynamic, llama3, yarn) change the positions and are not implemented here.
    private static void CheckRotary(JsonElement section, LlamaOptions options, HuggingFaceConfigCheck check)
    {
        var parameters = HuggingFaceConfigCheck.Field(section, "rope_parameters");
        foreach (var (key, rope) in new[] { ("rope_scaling", HuggingFaceConfigCheck.Field(section, "rope_scaling")), ("rope_parameters", parameters) })
        {
            if (rope is { } value && RopeType(value) != "default")
                check.Add($"{key} is {value.GetRawText()} in config.json, but the decoder implements unscaled rotary embeddings (rope_type \"default\")");
        }
        if (parameters is { } nested && HuggingFaceConfigCheck.Field(nested, "rope_theta") is not null)
        {
            foreach (string mismatch in new HuggingFaceConfigCheck(nested).Number("rope_theta", 10000, options.RopeTheta, "rope_theta").Mismatches)
                check.Add("rope_parameters." + mismatch);
        }
        else
        {
            check.Number("rope_theta", 10000, options.RopeTheta, "rope_theta");
        }
    }

    private static string RopeType(JsonElement rope) =>
        (HuggingFaceConfigCheck.Field(rope, "rope_type") ?? HuggingFaceConfigCheck.Field(rope, "type")) is { ValueKind: JsonValueKind.String } type
            ? type.GetString()!
            : "default";
}
