using Pipeline.Contracts.Adapters;

namespace Pipeline.Samples.Ia3;

/// <summary>
/// An attached <c>ia3</c> adapter: the projections it scales. It merges through each site (<see cref="ILinearSite.Merge"/>
/// on a weight transform stores <c>W := diag(l) W</c> and keeps the old weight, which <see cref="Unmerge"/> puts back exactly).
/// </summary>
public sealed class Ia3Adapter : IAdapter
{
    private readonly IReadOnlyList<ILinearSite> _sites;

    /// <param name="name">The adapter instance's name.</param>
    /// <param name="sites">Every site scaled, as <c>component:path</c> and the site, in attachment order.</param>
    public Ia3Adapter(string name, IReadOnlyList<(string Label, ILinearSite Site)> sites)
    {
        Name = name;
        AttachedSites = sites.Select(s => s.Label).ToList();
        _sites = sites.Select(s => s.Site).ToList();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> AttachedSites { get; }

    /// <summary>True: <c>diag(l) W</c> is a weight transform, which the site folds into <c>W</c> and restores exactly.</summary>
    public bool CanMerge => true;

    /// <summary>Replaces <c>W</c> by <c>diag(l) W</c> on every scaled projection; the output does not change.</summary>
    public void Merge()
    {
        foreach (var site in _sites) site.Merge(Name);
    }

    /// <summary>Puts every scaled projection's weight from before <see cref="Merge"/> back, bit for bit.</summary>
    public void Unmerge()
    {
        foreach (var site in _sites.Reverse()) site.Unmerge(Name);
    }
}
