using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Modules;

namespace Pipeline.Samples.Ia3;

/// <summary>
/// The <c>ia3</c> adapter: a learned scale per output channel of each targeted projection, <c>OutFeatures</c> parameters
/// per projection, applied to the weight (<c>W' = diag(l) W</c>, <see cref="Ia3ScaleTransform"/>) so the projection still
/// runs one matrix product and the adapter merges exactly. See docs/adapters/ia3.md.
/// </summary>
[ExportAdapter("ia3", Version = "0.2.0")]
public sealed class Ia3AdapterFactory : AdapterFactory<Ia3Options>
{
    /// <inheritdoc />
    public override string Description => "IA3: learned per-channel scaling of targeted projections, as a weight transform (sample third-party plugin)";

    /// <summary>
    /// Selects every target, checks that each is a weight-transform site without a bias, then attaches one
    /// <see cref="Ia3ScaleTransform"/> per projection; a bad target leaves the model untouched.
    /// </summary>
    /// <exception cref="AdapterTargetException">
    /// A component does not exist, a pattern matches nothing, or a matched projection has a bias (IA3 scales the whole
    /// output <c>l * (W x + b)</c>, which <c>(diag(l) W) x + b</c> is not) or takes no weight transform.
    /// </exception>
    protected override IAdapter Attach(Ia3Options ia3, AdapterBuildContext context)
    {
        var pathsByComponent = context.Components.ToDictionary(c => c.Key, c => c.Value.LinearSites.Keys.AsEnumerable());
        var selected = new List<(string Label, IWeightTransformSite Site)>();
        foreach (var (componentName, patterns) in ia3.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            IAdaptableComponent component = context.Component(componentName);
            foreach (string path in SitePattern.Select(context.AdapterName, componentName, component.LinearSites.Keys, patterns, pathsByComponent))
            {
                string label = $"{componentName}:{path}";
                ILinearSite site = component.LinearSites[path];
                if (site is AdaptableLinear { Bias: not null })
                    throw new AdapterTargetException(
                        $"adapter '{context.AdapterName}': projection '{label}' has a bias; ia3 scales the whole output l * (W x + b), " +
                        "which a scaled weight (diag(l) W) x + b is not, so it targets projections without a bias only (the LLM's)");
                selected.Add((label, site as IWeightTransformSite
                    ?? throw new AdapterTargetException($"adapter '{context.AdapterName}': projection '{label}' takes no weight transform (it is not an IWeightTransformSite)")));
            }
        }
        foreach (var (_, site) in selected)
            site.AttachWeightTransform(context.AdapterName, new Ia3ScaleTransform(site.OutFeatures, context.Device));
        return new Ia3Adapter(context.AdapterName, selected.Select(s => (s.Label, (ILinearSite)s.Site)).ToList());
    }
}
