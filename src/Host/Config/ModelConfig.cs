using Pipeline.Host.Config.Binding;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;

namespace Pipeline.Host.Config;

/// <summary>The model (YAML <c>model</c>).</summary>
public sealed record ModelConfig : Pipeline.Contracts.Options.IValidatableOptions
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

    /// <summary>
    /// How frozen weights are stored: <c>float32</c> (default), <c>bfloat16</c> or <c>float16</c>. At the start of every
    /// stage the base weights of each component the stage freezes are converted to this type and those it trains back
    /// to float32; adapters and projectors always stay float32 (docs/CONFIG.md, "Frozen weights in reduced precision").
    /// </summary>
    public WeightDtype Dtype { get; init; } = WeightDtype.Float32;

    /// <summary>Per-component overrides of <see cref="Dtype"/>, by component name (<c>llm</c> or an encoder's name).</summary>
    public Dictionary<string, WeightDtype> Dtypes { get; init; } = [];

    /// <summary>The frozen-weight type of <paramref name="component"/> (<c>llm</c> or an encoder's name).</summary>
    public WeightDtype DtypeOf(string component) => Dtypes.TryGetValue(component, out var dtype) ? dtype : Dtype;

    public IEnumerable<Pipeline.Contracts.Options.OptionError> Validate()
    {
        var components = new[] { "llm" }.Concat(Encoders.Keys).ToList();
        foreach (string name in Dtypes.Keys.Where(k => !components.Contains(k)))
            yield return new($"dtypes.{name}", $"no component '{name}'; the model has: {string.Join(", ", components)}");
    }
}
