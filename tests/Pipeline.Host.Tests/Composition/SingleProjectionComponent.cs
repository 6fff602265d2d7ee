using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;

namespace Pipeline.Host.Tests.Composition;

/// <summary>An adaptable component with one projection, for attaching adapter plugins in tests.</summary>
public sealed class SingleProjectionComponent(string name, string path, AdaptableLinear projection) : IAdaptableComponent
{
    public string Name => name;
    public torch.nn.Module Module => projection;
    public int Width => projection.OutFeatures;
    public IReadOnlyDictionary<string, ILinearSite> LinearSites { get; } = new Dictionary<string, ILinearSite> { [path] = projection };
    public IReadOnlyList<IFeedForwardSite> FeedForwardSites => [];
    public IReadOnlyList<IAttentionInputSite> AttentionInputSites => [];
    public ISequencePrefixSite? SequencePrefix => null;
}
