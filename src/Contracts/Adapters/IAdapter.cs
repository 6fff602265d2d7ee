namespace Pipeline.Contracts.Adapters;

/// <summary>An adapter attached to a model: what it touched, and its merge operations where it has them.</summary>
public interface IAdapter
{
    /// <summary>The adapter instance's name (the key it attached its modules under).</summary>
    string Name { get; }

    /// <summary>Every site the adapter attached to, as <c>component:path</c> (for example <c>llm:model.layers.0.self_attn.q_proj</c>).</summary>
    IReadOnlyList<string> AttachedSites { get; }

    /// <summary>Whether <see cref="Merge"/> and <see cref="Unmerge"/> are supported (linear, input-independent deltas).</summary>
    bool CanMerge { get; }

    /// <summary>Folds every delta into its base weight; the model's outputs must not change. Throws <see cref="NotSupportedException"/> when <see cref="CanMerge"/> is false.</summary>
    void Merge();

    /// <summary>Undoes <see cref="Merge"/>.</summary>
    void Unmerge();

    /// <summary>
    /// Whether the model with this adapter attached computes what the base model computes before any training (contracts
    /// 1.6; default <c>true</c>). <see cref="IAdapterFactory.Attach"/> asks every new module to start as an identity; return
    /// <c>false</c> only for a method that cannot by definition, such as prompt tuning (learned tokens prepended to the
    /// input change every output from the first step). Such an adapter must still leave the base model's output unchanged
    /// while switched off (<see cref="ISwitchableAdapterSite"/>), as it is in the stages before it trains; the conformance
    /// kit's <c>identity</c> check then checks that instead.
    /// </summary>
    bool StartsAsIdentity => true;
}
