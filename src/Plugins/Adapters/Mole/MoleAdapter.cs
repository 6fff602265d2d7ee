using Pipeline.Contracts.Adapters;
using Pipeline.Plugins.Adapters.Lora;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// A <c>mole</c> adapter attached to a model: a <see cref="TokenRouter"/> on each routed feed-forward block, a
/// <see cref="MixtureOfLoraExperts"/> on each of that block's gate, up and down projections, and a plain
/// <see cref="LoraDelta"/> on each projection of the LoRA targets, all under <see cref="Name"/>. It cannot merge: a
/// mixture's delta depends on the routing of each token.
/// </summary>
public sealed class MoleAdapter : IAdapter
{
    /// <param name="name">The adapter name every module is attached under.</param>
    /// <param name="routers">Each routed block, as <c>component:path</c>, and its router.</param>
    /// <param name="mixtures">Each routed projection, as <c>component:path</c>, and its mixture.</param>
    /// <param name="loraDeltas">Each plain-LoRA projection, as <c>component:path</c>, and its delta.</param>
    public MoleAdapter(string name, IReadOnlyList<(string Label, TokenRouter Router)> routers,
        IReadOnlyList<(string Label, MixtureOfLoraExperts Mixture)> mixtures, IReadOnlyList<(string Label, LoraDelta Delta)> loraDeltas)
    {
        Name = name;
        Routers = routers.ToDictionary(r => r.Label, r => r.Router);
        Mixtures = mixtures.ToDictionary(m => m.Label, m => m.Mixture);
        LoraDeltas = loraDeltas.ToDictionary(d => d.Label, d => d.Delta);
        AttachedSites = [.. loraDeltas.Select(d => d.Label), .. routers.Select(r => r.Label), .. mixtures.Select(m => m.Label)];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Plain-LoRA projections first, then routed blocks, then routed projections, each as <c>component:path</c>.</summary>
    public IReadOnlyList<string> AttachedSites { get; }

    /// <summary>The router of each routed feed-forward block, keyed by <c>component:path</c> (<c>llm:model.layers.0.mlp</c>).</summary>
    public IReadOnlyDictionary<string, TokenRouter> Routers { get; }

    /// <summary>The mixture on each routed projection, keyed by <c>component:path</c> (<c>llm:model.layers.0.mlp.gate_proj</c>).</summary>
    public IReadOnlyDictionary<string, MixtureOfLoraExperts> Mixtures { get; }

    /// <summary>The plain LoRA delta on each LoRA target, keyed by <c>component:path</c> (<c>llm:model.layers.0.self_attn.q_proj</c>).</summary>
    public IReadOnlyDictionary<string, LoraDelta> LoraDeltas { get; }

    /// <summary>Always <c>false</c>: which expert applies depends on each token, so no single weight matrix expresses the delta.</summary>
    public bool CanMerge => false;

    /// <summary>Throws <see cref="NotSupportedException"/>: see <see cref="CanMerge"/>.</summary>
    public void Merge() => throw NotMergeable();

    /// <summary>Throws <see cref="NotSupportedException"/>: see <see cref="CanMerge"/>.</summary>
    public void Unmerge() => throw NotMergeable();

    private NotSupportedException NotMergeable() =>
        new($"adapter '{Name}' (mole) cannot merge: each token's delta depends on the expert its router selects");
}
