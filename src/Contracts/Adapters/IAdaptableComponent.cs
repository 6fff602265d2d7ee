using TorchSharp;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A named part of the model that adapters can modify: the LLM (<c>llm</c>) or an encoder (its YAML
/// name, for example <c>vision</c>). Adapters are scoped to one component: a target pattern is matched
/// against this component's sites only.
/// </summary>
public interface IAdaptableComponent
{
    /// <summary>The component name used to scope adapter targets: <c>llm</c> or the encoder's YAML name.</summary>
    string Name { get; }

    /// <summary>The component's root module; its state-dict keys are relative to it.</summary>
    torch.nn.Module Module { get; }

    /// <summary>The model width at this component's output (the width C of the method descriptions in docs/adapters).</summary>
    int Width { get; }

    /// <summary>
    /// Every projection that can carry linear adapters, keyed by its module path in <see cref="Module"/>
    /// (for the LLM, Hugging Face names such as <c>model.layers.0.self_attn.q_proj</c>).
    /// </summary>
    IReadOnlyDictionary<string, ILinearSite> LinearSites { get; }

    /// <summary>Each block's gated feed-forward network (gate, up, down), in layer order; empty where there is none.</summary>
    IReadOnlyList<IFeedForwardSite> FeedForwardSites { get; }

    /// <summary>Each block's attention input (after its norm, before attention), in layer order.</summary>
    IReadOnlyList<IAttentionInputSite> AttentionInputSites { get; }

    /// <summary>Where learned tokens can be prepended to the sequence; <c>null</c> where the component does not support it.</summary>
    ISequencePrefixSite? SequencePrefix { get; }

    /// <summary>
    /// The component's token-embedding table, for adapters that start from vocabulary embeddings (prompt tuning);
    /// <c>null</c> (the default) where the component has no vocabulary, as encoders do. Contracts 1.6.
    /// </summary>
    ITokenEmbeddings? TokenEmbeddings => null;
}
