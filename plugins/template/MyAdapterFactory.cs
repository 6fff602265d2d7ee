using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;

namespace MyAdapter;

/// <summary>The <c>my_adapter</c> adapter: a learned output bias on each targeted projection. Rename the export, the
/// options and the module to make this template your own plugin.</summary>
[ExportAdapter("my_adapter", Version = "0.1.0")]
public sealed class MyAdapterFactory : AdapterFactory<MyAdapterOptions>
{
    /// <inheritdoc />
    public override string Description => "template: learned output bias on targeted projections";

    /// <inheritdoc />
    protected override IAdapter Attach(MyAdapterOptions options, AdapterBuildContext context)
    {
        var pathsByComponent = context.Components.ToDictionary(c => c.Key, c => c.Value.LinearSites.Keys.AsEnumerable());
        var attached = new List<string>();
        foreach (var (componentName, patterns) in options.Targets)
        {
            IAdaptableComponent component = context.Component(componentName);
            // Throws AdapterTargetException (reported at the YAML options) when a pattern matches nothing.
            foreach (string path in SitePattern.Select(context.AdapterName, componentName, component.LinearSites.Keys, patterns, pathsByComponent))
            {
                ILinearSite site = component.LinearSites[path];
                site.Attach(context.AdapterName, new OutputBias(site.OutFeatures, context.Device));
                attached.Add($"{componentName}:{path}");
            }
        }
        return new AttachedOutputBias(context.AdapterName, attached);
    }
}
