using Pipeline.Contracts.Adapters;
using TorchSharp;

namespace Pipeline.Contracts.Modules;

/// <summary>
/// Finds the adaptation sites in a module tree, so a component can implement the site members of
/// <see cref="IAdaptableComponent"/> in one line each.
/// </summary>
public static class ComponentSites
{
    /// <summary>Every <see cref="ILinearSite"/> under <paramref name="root"/>, keyed by module path.</summary>
    public static IReadOnlyDictionary<string, ILinearSite> Linear(torch.nn.Module root) =>
        root.named_modules().Where(m => m.module is ILinearSite)
            .ToDictionary(m => m.name, m => (ILinearSite)m.module);

    /// <summary>Every <see cref="IFeedForwardSite"/> under <paramref name="root"/>, by layer index.</summary>
    public static IReadOnlyList<IFeedForwardSite> FeedForward(torch.nn.Module root) =>
        root.named_modules().Select(m => m.module).OfType<IFeedForwardSite>().OrderBy(s => s.LayerIndex).ToList();

    /// <summary>Every <see cref="IAttentionInputSite"/> under <paramref name="root"/>, by layer index.</summary>
    public static IReadOnlyList<IAttentionInputSite> AttentionInput(torch.nn.Module root) =>
        root.named_modules().Select(m => m.module).OfType<IAttentionInputSite>().OrderBy(s => s.LayerIndex).ToList();
}
