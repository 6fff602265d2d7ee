using Pipeline.Contracts.Adapters;

namespace Pipeline.Plugins.Adapters.Lora;

/// <summary>
/// A LoRA adapter attached to a model: one <see cref="LoraDelta"/> per targeted projection, all under
/// <see cref="Name"/>. Merging folds every delta into its base weight; unmerging subtracts it again.
/// </summary>
public sealed class LoraAdapter : IAdapter
{
    private readonly IReadOnlyList<(string Label, ILinearSite Site, LoraDelta Delta)> _attachments;

    /// <param name="name">The adapter name the deltas are attached under.</param>
    /// <param name="attachments">Each site as <c>component:path</c>, the site, and the delta attached there.</param>
    public LoraAdapter(string name, IReadOnlyList<(string Label, ILinearSite Site, LoraDelta Delta)> attachments)
    {
        Name = name;
        _attachments = attachments;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> AttachedSites => _attachments.Select(a => a.Label).ToList();

    /// <summary>The delta attached at each site, keyed by <c>component:path</c>.</summary>
    public IReadOnlyDictionary<string, LoraDelta> Deltas => _attachments.ToDictionary(a => a.Label, a => a.Delta);

    /// <inheritdoc />
    public bool CanMerge => true;

    /// <inheritdoc />
    public void Merge()
    {
        foreach (var (_, site, _) in _attachments) site.Merge(Name);
    }

    /// <inheritdoc />
    public void Unmerge()
    {
        foreach (var (_, site, _) in _attachments) site.Unmerge(Name);
    }
}
