using Pipeline.Contracts.Adapters;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>Names each component's attention-input sites by module path and selects those a target's patterns match.</summary>
internal static class AttentionInputTargets
{
    /// <summary>
    /// The component's attention-input sites in layer order, each with its module path in
    /// <see cref="IAdaptableComponent.Module"/> (<c>model.layers.0.attn_input</c>); a site that is not a module of the
    /// tree is named <c>attn_input.&lt;layer&gt;</c>.
    /// </summary>
    public static IReadOnlyList<(string Path, IAttentionInputSite Site)> Of(IAdaptableComponent component)
    {
        var sites = component.AttentionInputSites;
        if (sites.Count == 0) return [];
        var paths = component.Module.named_modules()
            .Where(m => m.module is IAttentionInputSite)
            .ToDictionary(m => (object)m.module, m => m.name, ReferenceEqualityComparer.Instance);
        return sites.Select(site => (paths.TryGetValue(site, out string? path) ? path : $"attn_input.{site.LayerIndex}", site)).ToList();
    }

    /// <summary>
    /// The sites of every targeted component (components in ordinal order, sites in layer order), labelled
    /// <c>component:path</c>. Throws <see cref="AdapterTargetException"/> for an unknown component, a component without
    /// attention inputs, a pattern that matches nothing, or a width the groups do not divide.
    /// </summary>
    public static IReadOnlyList<(string Label, IAttentionInputSite Site)> Select(MmaOptions options, AdapterBuildContext context)
    {
        var byComponent = context.Components.ToDictionary(c => c.Key, c => Of(c.Value));
        var withSites = byComponent.Where(c => c.Value.Count > 0).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        var selected = new List<(string, IAttentionInputSite)>();
        foreach (var (componentName, patterns) in options.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            context.Component(componentName);
            var sites = byComponent[componentName];
            if (sites.Count == 0)
                throw new AdapterTargetException($"adapter '{context.AdapterName}': component '{componentName}' has no attention-input sites; " +
                    (withSites.Count == 0 ? "no component has any" : $"components that have them: {string.Join(", ", withSites)}"));
            var otherPaths = byComponent.ToDictionary(c => c.Key, c => c.Value.Select(s => s.Path));
            var paths = SitePattern.Select(context.AdapterName, componentName, sites.Select(s => s.Path), patterns, otherPaths);
            foreach (var (path, site) in sites.Where(s => paths.Contains(s.Path)))
            {
                if (site.Width % options.Groups != 0)
                    throw new AdapterTargetException($"adapter '{context.AdapterName}': groups ({options.Groups}) must divide the width of " +
                        $"'{componentName}:{path}' ({site.Width})");
                selected.Add(($"{componentName}:{path}", site));
            }
        }
        return selected;
    }
}
