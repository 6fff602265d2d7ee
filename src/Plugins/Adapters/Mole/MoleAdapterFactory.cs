using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Plugins.Adapters.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// The <c>mole</c> adapter plugin (LLaVA-MoLE, as docs/adapters/mole.md reads it): each selected
/// feed-forward block gets a router <c>p = softmax(W_r h + b_r)</c> on its input and K LoRA experts on each of its gate,
/// up and down projections; every token uses its top-1 expert in all three. The LoRA targets (by default the attention
/// projections) get plain LoRA. A load-balancing loss pooled over all routed layers is reported in training forwards.
/// </summary>
[ExportAdapter("mole")]
public sealed class MoleAdapterFactory : AdapterFactory<MoleOptions>
{
    /// <inheritdoc />
    public override string Description => "MoLE: a top-1 routed mixture of LoRA experts on each MLP's gate, up and down projections, plain LoRA elsewhere (LLaVA-MoLE)";

    /// <summary>
    /// Selects the feed-forward blocks of <see cref="MoleOptions.ExpertTargets"/> and the projections of
    /// <see cref="MoleOptions.LoraTargets"/>, checks them all, then attaches the modules under
    /// <see cref="AdapterBuildContext.AdapterName"/>. A bad target leaves the model untouched.
    /// </summary>
    /// <exception cref="AdapterTargetException">
    /// A component does not exist, a pattern matches nothing in its component, or a LoRA target is a projection of a
    /// routed block.
    /// </exception>
    protected override IAdapter Attach(MoleOptions mole, AdapterBuildContext context)
    {
        var blocks = SelectBlocks(mole, context);
        var loraSites = SelectLoraSites(mole, context);
        RejectOverlaps(context, blocks, loraSites);

        using var generator = RandomSource(context);
        var loraDeltas = new List<(string Label, LoraDelta Delta)>();
        foreach (var (label, site) in loraSites)
        {
            var delta = new LoraDelta(site.InFeatures, site.OutFeatures, mole.Rank, mole.Scale, mole.Dropout, context.Device, generator);
            site.Attach(context.AdapterName, delta);
            loraDeltas.Add((label, delta));
        }

        var routers = new List<(string Label, TokenRouter Router)>();
        var mixtures = new List<(string Label, MixtureOfLoraExperts Mixture)>();
        foreach (var byComponent in blocks.GroupBy(b => b.Component))
        {
            var balance = mole.BalanceWeight > 0
                ? new LoadBalanceAccumulator(context.AdapterName, BalanceLossName(context.AdapterName, byComponent.Key), mole.BalanceWeight, byComponent.Count())
                : null;
            foreach (var (componentName, path, site) in byComponent)
            {
                string label = $"{componentName}:{path}";
                var routing = new LayerRouting(context.AdapterName, label);
                var router = new TokenRouter(site.Gate.InFeatures, mole.Experts, site.LayerIndex, mole.RouterGradient, mole.Dispatch,
                    routing, balance, context.ForwardContext, maskPadding: componentName == "llm", context.Device, generator);
                site.AttachInputObserver(context.AdapterName, router);
                routers.Add((label, router));
                foreach (var (projectionPath, projection) in Projections(context.Component(componentName), path, site))
                {
                    var mixture = new MixtureOfLoraExperts(projection.InFeatures, projection.OutFeatures, mole.Experts, mole.Rank,
                        mole.Scale, mole.Dropout, mole.Dispatch, routing, context.Device, generator);
                    projection.Attach(context.AdapterName, mixture);
                    mixtures.Add(($"{componentName}:{projectionPath}", mixture));
                }
            }
        }
        return new MoleAdapter(context.AdapterName, routers, mixtures, loraDeltas);
    }

    /// <summary>The name the load-balancing loss is reported under: <c>&lt;adapter&gt;.load_balance</c> for the LLM, with the component appended otherwise.</summary>
    private static string BalanceLossName(string adapterName, string component) =>
        component == "llm" ? $"{adapterName}.load_balance" : $"{adapterName}.load_balance.{component}";

    /// <summary>Every gated feed-forward block of <paramref name="component"/>, keyed by its module path.</summary>
    private static IReadOnlyDictionary<string, IFeedForwardSite> FeedForwardBlocks(IAdaptableComponent component) =>
        component.Module.named_modules().Where(m => m.module is IFeedForwardSite)
            .ToDictionary(m => m.name, m => (IFeedForwardSite)m.module);

    // Ordinal component order, so the random stream (and the initial weights) do not depend on YAML key order.
    private static List<(string Component, string Path, IFeedForwardSite Site)> SelectBlocks(MoleOptions mole, AdapterBuildContext context)
    {
        var blockPaths = context.Components.ToDictionary(c => c.Key, c => FeedForwardBlocks(c.Value).Keys.AsEnumerable());
        var selected = new List<(string, string, IFeedForwardSite)>();
        foreach (var (componentName, patterns) in mole.ExpertTargets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var blocks = FeedForwardBlocks(context.Component(componentName));
            var paths = SitePattern.Select(context.AdapterName, componentName, blocks.Keys, patterns, blockPaths);
            selected.AddRange(paths.Select(path => (componentName, path, blocks[path])).OrderBy(b => b.Item3.LayerIndex));
        }
        return selected;
    }

    private static List<(string Label, ILinearSite Site)> SelectLoraSites(MoleOptions mole, AdapterBuildContext context)
    {
        var sitePaths = context.Components.ToDictionary(c => c.Key, c => c.Value.LinearSites.Keys.AsEnumerable());
        var selected = new List<(string, ILinearSite)>();
        foreach (var (componentName, patterns) in (mole.LoraTargets ?? []).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var component = context.Component(componentName);
            var paths = SitePattern.Select(context.AdapterName, componentName, component.LinearSites.Keys, patterns, sitePaths);
            selected.AddRange(paths.Select(path => ($"{componentName}:{path}", component.LinearSites[path])));
        }
        return selected;
    }

    private static void RejectOverlaps(AdapterBuildContext context, List<(string Component, string Path, IFeedForwardSite Site)> blocks,
        List<(string Label, ILinearSite Site)> loraSites)
    {
        foreach (var (componentName, path, site) in blocks)
        {
            foreach (var (projectionPath, projection) in Projections(context.Component(componentName), path, site))
            {
                if (loraSites.Any(l => ReferenceEquals(l.Site, projection)))
                    throw new AdapterTargetException(
                        $"adapter '{context.AdapterName}': lora target '{projectionPath}' in component '{componentName}' is a projection of the routed block '{path}'; a projection gets experts or plain LoRA, not both");
            }
        }
    }

    /// <summary>The gate, up and down projections of a block with their module paths (looked up among the component's linear sites).</summary>
    private static IEnumerable<(string Path, ILinearSite Site)> Projections(IAdaptableComponent component, string blockPath, IFeedForwardSite site)
    {
        var sites = component.LinearSites;
        foreach (var (role, projection) in new[] { ("gate", site.Gate), ("up", site.Up), ("down", site.Down) })
        {
            string? path = sites.FirstOrDefault(s => ReferenceEquals(s.Value, projection)).Key;
            yield return (path ?? $"{blockPath}.{role}", projection);
        }
    }

    // The meta device holds no values, so it needs (and takes) no generator.
    private static Generator? RandomSource(AdapterBuildContext context) =>
        context.Device.type == DeviceType.META ? null : new Generator(unchecked((ulong)context.Seed), context.Device);
}
