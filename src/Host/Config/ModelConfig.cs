using Pipeline.Host.Config.Binding;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;

namespace Pipeline.Host.Config;

/// <summary>The model (YAML <c>model</c>).</summary>
public sealed record ModelConfig
{
    /// <summary>Dimensions of the LLaMA-style decoder.</summary>
    public LlamaOptions Llm { get; init; } = new();

    /// <summary>Encoders by component name (for example <c>vision</c>, <c>audio</c>); each names its plugin and options.</summary>
    public Dictionary<string, ConfigNode> Encoders { get; init; } = [];

    /// <summary>The projector from each encoder's width to the LLM width (one per encoder, same shape settings).</summary>
    public ProjectorOptions Projector { get; init; } = new();

    /// <summary>
    /// Pretrained weights by component name (<c>llm</c> or an encoder's name): Hugging Face checkpoint directories
    /// loaded after the model is built and before adapters attach (docs/INTEROP.md).
    /// </summary>
    public Dictionary<string, PretrainedWeightsOptions> Weights { get; init; } = [];

    /// <summary>Adapters, attached in order after the model is built.</summary>
    public List<AdapterBlock> Adapters { get; init; } = [];
}
