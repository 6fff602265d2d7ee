using System.Text.Json.Nodes;
using Pipeline.Host.Modules.Llama;

namespace Pipeline.Host.Interop;

/// <summary>
/// Writes the <c>config.json</c> of a Hugging Face <c>LlamaForCausalLM</c> with the decoder's dimensions, so the
/// directory loads with <c>transformers</c> and back into <c>model.weights.llm</c>.
/// </summary>
public static class LlamaConfigJson
{
    /// <summary>
    /// The configuration for <paramref name="options"/>. Fields of <paramref name="pretrained"/> (the
    /// <c>config.json</c> of the checkpoint the decoder started from, or its <c>text_config</c>) are kept where they do
    /// not describe the architecture: token ids, <c>max_position_embeddings</c>, <c>initializer_range</c>.
    /// </summary>
    /// <param name="options">The decoder's options, vocabulary resolved.</param>
    /// <param name="torchDtype"><c>float32</c>, <c>float16</c> or <c>bfloat16</c>: the type the tensors are stored in.</param>
    /// <param name="pretrained">The starting checkpoint's configuration section, or <c>null</c>.</param>
    public static JsonObject Create(LlamaOptions options, string torchDtype, JsonObject? pretrained = null)
    {
        var config = pretrained is null ? new JsonObject() : (JsonObject)pretrained.DeepClone();
        config.Remove("rope_parameters");
        config["architectures"] = new JsonArray("LlamaForCausalLM");
        config["model_type"] = "llama";
        config["vocab_size"] = options.VocabSize;
        config["hidden_size"] = options.HiddenSize;
        config["intermediate_size"] = options.IntermediateSize;
        config["num_hidden_layers"] = options.Layers;
        config["num_attention_heads"] = options.Heads;
        config["num_key_value_heads"] = options.KvHeads;
        config["head_dim"] = options.HeadDim;
        config["hidden_act"] = "silu";
        config["rms_norm_eps"] = options.RmsNormEps;
        config["rope_theta"] = options.RopeTheta;
        config["rope_scaling"] = null;
        config["attention_bias"] = false;
        config["attention_dropout"] = 0.0;
        config["mlp_bias"] = false;
        config["tie_word_embeddings"] = false;
        config["torch_dtype"] = torchDtype;
        config["max_position_embeddings"] ??= options.MaxSequenceLength;
        config["initializer_range"] ??= 0.02;
        config["pretraining_tp"] ??= 1;
        config["use_cache"] ??= true;
        return config;
    }
}
