using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Samples.Dora;

/// <summary>
/// The <c>dora</c> adapter (weight-decomposed low-rank adaptation): on every projection its
/// targets select, the weight <c>W</c> becomes <c>m * V / ||V||</c> with <c>V = W + (alpha / r) * B A</c>, the norm per
/// output row. A is Kaiming-uniform from the adapter's seed, B zero and <c>m = ||W||</c>, so the adapter starts as the
/// identity. It is written against the contracts only, as a third-party plugin.
/// </summary>
[ExportAdapter("dora", Version = "0.1.0")]
public sealed class DoraAdapterFactory : AdapterFactory<DoraOptions>
{
    /// <inheritdoc />
    public override string Description => "DoRA: a learned magnitude per output row times the direction of W + (alpha / r) B A (sample third-party plugin)";

    /// <summary>
    /// Selects the sites of every component in <see cref="DoraOptions.Targets"/> and attaches a <see cref="DoraTransform"/>
    /// to each as a weight transform. All targets are checked before anything is attached, so a bad target leaves the
    /// model untouched.
    /// </summary>
    /// <exception cref="AdapterTargetException">A component does not exist, a pattern matches nothing in its component, or a selected projection does not accept weight transforms.</exception>
    protected override IAdapter Attach(DoraOptions dora, AdapterBuildContext context)
    {
        var sitePaths = context.Components.ToDictionary(c => c.Key, c => (IEnumerable<string>)c.Value.LinearSites.Keys);
        var selected = new List<(string Label, IWeightTransformSite Site)>();
        // Ordinal component order, so the random stream (and the initial weights) do not depend on YAML key order.
        foreach (var (componentName, patterns) in dora.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var component = context.Component(componentName);
            foreach (string path in SitePattern.Select(context.AdapterName, componentName, component.LinearSites.Keys, patterns, sitePaths))
            {
                string label = $"{componentName}:{path}";
                var site = component.LinearSites[path] as IWeightTransformSite
                    ?? throw new AdapterTargetException(
                        $"adapter '{context.AdapterName}': projection {label} does not accept weight transforms (IWeightTransformSite), which dora needs");
                selected.Add((label, site));
            }
        }

        using var generator = context.Device.type == DeviceType.META ? null : new Generator(unchecked((ulong)context.Seed), context.Device);
        var attachments = new List<(string Label, IWeightTransformSite Site, DoraTransform Transform)>();
        foreach (var (label, site) in selected)
        {
            var transform = new DoraTransform(site.Weight, dora.Rank, dora.Scale, context.Device, generator);
            site.AttachWeightTransform(context.AdapterName, transform);
            attachments.Add((label, site, transform));
        }
        return new DoraAdapter(context.AdapterName, attachments);
    }
}
