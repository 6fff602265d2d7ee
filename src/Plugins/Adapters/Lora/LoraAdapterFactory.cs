using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Lora;

/// <summary>
/// The <c>lora</c> adapter plugin (PEFT semantics): on every projection its targets select,
/// <c>y = W x + b + (alpha / r) * B(A(dropout(x)))</c>, with A Kaiming-uniform and B zero, so the adapted
/// model starts out computing exactly what the base model computes.
/// </summary>
[ExportAdapter("lora")]
public sealed class LoraAdapterFactory : AdapterFactory<LoraOptions>
{
    /// <inheritdoc />
    public override string Description => "LoRA: a low-rank delta (alpha / r) * B A on selected projections of each component (PEFT semantics)";

    /// <summary>
    /// Selects the sites of every component in <see cref="LoraOptions.Targets"/>, then attaches a
    /// <see cref="LoraDelta"/> to each under <see cref="AdapterBuildContext.AdapterName"/>. All targets are
    /// checked before anything is attached, so a bad target leaves the model untouched.
    /// </summary>
    /// <exception cref="AdapterTargetException">A component does not exist, or a pattern matches nothing in its component.</exception>
    protected override IAdapter Attach(LoraOptions lora, AdapterBuildContext context)
    {
        var sitePaths = context.Components.ToDictionary(c => c.Key, c => (IEnumerable<string>)c.Value.LinearSites.Keys);
        var selected = new List<(string Label, ILinearSite Site)>();
        // Ordinal component order, so the random stream (and the initial weights) do not depend on YAML key order.
        foreach (var (componentName, patterns) in lora.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var component = context.Component(componentName);
            var paths = SitePattern.Select(context.AdapterName, componentName, component.LinearSites.Keys, patterns, sitePaths);
            selected.AddRange(paths.Select(path => ($"{componentName}:{path}", component.LinearSites[path])));
        }

        using var generator = RandomSource(context);
        var attachments = new List<(string Label, ILinearSite Site, LoraDelta Delta)>();
        foreach (var (label, site) in selected)
        {
            var delta = new LoraDelta(site.InFeatures, site.OutFeatures, lora.Rank, lora.Scale, lora.Dropout, context.Device, generator);
            site.Attach(context.AdapterName, delta);
            attachments.Add((label, site, delta));
        }
        return new LoraAdapter(context.AdapterName, attachments);
    }

    // The meta device holds no values, so it needs (and takes) no generator.
    private static Generator? RandomSource(AdapterBuildContext context) =>
        context.Device.type == DeviceType.META ? null : new Generator(unchecked((ulong)context.Seed), context.Device);
}
