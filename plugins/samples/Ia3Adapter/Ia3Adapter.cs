using Pipeline.Contracts.Adapters;

namespace Pipeline.Samples.Ia3;

/// <summary>An attached <c>ia3</c> adapter: the sites it scales. It cannot be merged (see <see cref="Ia3Scale"/>).</summary>
public sealed class Ia3Adapter : IAdapter
{
    /// <param name="name">The adapter instance's name.</param>
    /// <param name="attachedSites">Every site scaled, as <c>component:path</c>.</param>
    public Ia3Adapter(string name, IReadOnlyList<string> attachedSites)
    {
        Name = name;
        AttachedSites = attachedSites;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> AttachedSites { get; }

    /// <summary>Always false: the delta <c>diag(l - 1) W</c> depends on the weight it would be merged into.</summary>
    public bool CanMerge => false;

    /// <inheritdoc />
    public void Merge() => throw new NotSupportedException($"adapter '{Name}' (ia3) cannot be merged: its delta depends on the base weight");

    /// <inheritdoc />
    public void Unmerge() => throw new NotSupportedException($"adapter '{Name}' (ia3) cannot be merged: its delta depends on the base weight");
}
