using Pipeline.Contracts.Adapters;

namespace Pipeline.Samples.Dora;

/// <summary>
/// An attached <c>dora</c> adapter: one <see cref="DoraTransform"/> per targeted projection, all under <see cref="Name"/>.
/// Merging stores each transformed weight in its projection (the site keeps the weight from before, so unmerging restores
/// it exactly). <see cref="Activate"/> sets every magnitude to the row norms of the weight as it is when the adapter
/// starts to train, since earlier stages may have trained that weight after the adapter was built.
/// </summary>
public sealed class DoraAdapter : IAdapter, IAdapterActivation
{
    private readonly IReadOnlyList<(string Label, IWeightTransformSite Site, DoraTransform Transform)> _attachments;

    /// <param name="name">The adapter name the transforms are attached under.</param>
    /// <param name="attachments">Each site as <c>component:path</c>, the site, and the transform attached there.</param>
    public DoraAdapter(string name, IReadOnlyList<(string Label, IWeightTransformSite Site, DoraTransform Transform)> attachments)
    {
        Name = name;
        _attachments = attachments;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> AttachedSites => _attachments.Select(a => a.Label).ToList();

    /// <summary>The transform attached at each site, keyed by <c>component:path</c>.</summary>
    public IReadOnlyDictionary<string, DoraTransform> Transforms => _attachments.ToDictionary(a => a.Label, a => a.Transform);

    /// <summary>True: the transformed weight is a plain matrix, which the site stores in place of <c>W</c> and restores exactly.</summary>
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

    /// <summary>
    /// Sets each magnitude to the row norms of its projection's current weight plus <c>Scale * B A</c> (B is still zero
    /// when training starts, so the adapted model then computes exactly what the model without the adapter computes).
    /// </summary>
    /// <exception cref="InvalidOperationException">The adapter is merged: the weight is then the transformed one.</exception>
    public void Activate()
    {
        foreach (var (label, site, transform) in _attachments)
        {
            if (site.IsMerged(Name))
                throw new InvalidOperationException($"adapter '{Name}' (dora) cannot be activated while merged at {label}: unmerge it first");
            transform.ResetMagnitude(site.Weight);
        }
    }
}
