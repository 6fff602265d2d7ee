using Pipeline.Contracts.Adapters;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>
/// Reports an LLM-side <see cref="MixtureOfModalityAdapter"/>'s routing weights <c>w</c> (<c>B x 2</c>, rows summing to
/// 1) as per-sample statistics in evaluation forwards that collect them: under <see cref="LayerName"/>
/// (<c>&lt;adapter&gt;_layer&lt;i&gt;_routing</c>) and under <see cref="PooledName"/> (<c>&lt;adapter&gt;_routing</c>), which the
/// forward context averages over the LLM's adapted layers. A plain object, not a module.
/// </summary>
internal sealed class RoutingWeightReport(IForwardContextAccessor forwardContext, string adapterName, int layerIndex)
{
    /// <summary>The statistic of this layer: <c>&lt;adapter&gt;_layer&lt;i&gt;_routing</c>.</summary>
    public string LayerName { get; } = $"{adapterName}_layer{layerIndex}_routing";

    /// <summary>The statistic pooled over the LLM's adapted layers: <c>&lt;adapter&gt;_routing</c>.</summary>
    public string PooledName { get; } = $"{adapterName}_routing";

    /// <summary>Reports <paramref name="weights"/> (<c>B x 2</c>) when the current forward collects sample statistics.</summary>
    public void Report(Tensor weights)
    {
        if (forwardContext.Current is not { CollectsSampleStatistics: true } context) return;
        context.AddSampleStatistic(LayerName, weights);
        context.AddSampleStatistic(PooledName, weights);
    }
}
