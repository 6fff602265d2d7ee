namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A site whose attached adapter modules can be switched off, so it runs as if they were not attached (contracts 1.6).
/// The host uses it to keep an adapter out of the stages before the first stage that trains it (see
/// <see cref="IAdapterFactory"/> for the rule). Every site in <c>Pipeline.Contracts.Modules</c> implements it; a component with
/// sites of its own should implement it on each of them, or adapters attached there run in every stage.
/// </summary>
public interface ISwitchableAdapterSite
{
    /// <summary>
    /// Turns the modules attached here under <paramref name="adapterName"/> on or off. Off, the site skips them (their
    /// parameters stay registered, so the state dict does not change). A name not attached here is ignored, so the host can
    /// switch an adapter on every site of a model without asking where it attached. Switching off an adapter merged into a
    /// weight here throws <see cref="InvalidOperationException"/> (unmerge it first), and so does merging one that is off.
    /// </summary>
    void SetActive(string adapterName, bool active);

    /// <summary>Whether the modules of <paramref name="adapterName"/> run (true for a name not attached here).</summary>
    bool IsActive(string adapterName);
}
