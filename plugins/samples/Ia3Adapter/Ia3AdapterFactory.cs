using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;

namespace Pipeline.Samples.Ia3;

/// <summary>
/// The <c>ia3</c> adapter (Liu et al. 2022, "Few-Shot Parameter-Efficient Fine-Tuning is Better and Cheaper than
/// In-Context Learning"): a learned scale per output channel of each targeted projection, <c>OutFeatures</c>
/// parameters per projection.
/// </summary>
[ExportAdapter("ia3", Version = "0.1.0")]
public sealed class Ia3AdapterFactory : AdapterFactory<Ia3Options>
{
    /// <inheritdoc />
    public override string Description => "IA3: learned per-channel scaling of targeted projections (sample third-party plugin)";

    /// <inheritdoc />
    protected override IAdapter Attach(Ia3Options ia3, AdapterBuildContext context)
    {
        var pathsByComponent = context.Components.ToDictionary(c => c.Key, c => c.Value.LinearSites.Keys.AsEnumerable());
        var attached = new List<string>();
        foreach (var (componentName, patterns) in ia3.Targets)
        {
            IAdaptableComponent component = context.Component(componentName);
            var paths = SitePattern.Select(context.AdapterName, componentName, component.LinearSites.Keys, patterns, pathsByComponent);
            foreach (string path in paths)
            {
                ILinearSite site = component.LinearSites[path];
                site.Attach(context.AdapterName, new Ia3Scale(site, context.Device));
                attached.Add($"{componentName}:{path}");
            }
        }
        return new Ia3Adapter(context.AdapterName, attached);
    }
}
