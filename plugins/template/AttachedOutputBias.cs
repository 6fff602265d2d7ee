using Pipeline.Contracts.Adapters;

namespace MyAdapter;

/// <summary>What the host gets back from <see cref="MyAdapterFactory"/>: the sites touched. A bias added after the
/// projection cannot be folded into its weight matrix, so the adapter does not merge.</summary>
/// <param name="Name">The adapter instance's name.</param>
/// <param name="AttachedSites">Every site given a bias, as <c>component:path</c>.</param>
public sealed record AttachedOutputBias(string Name, IReadOnlyList<string> AttachedSites) : IAdapter
{
    /// <inheritdoc />
    public bool CanMerge => false;

    /// <inheritdoc />
    public void Merge() => throw new NotSupportedException($"adapter '{Name}' (my_adapter) cannot be merged: an output bias is not a weight");

    /// <inheritdoc />
    public void Unmerge() => throw new NotSupportedException($"adapter '{Name}' (my_adapter) cannot be merged: an output bias is not a weight");
}
