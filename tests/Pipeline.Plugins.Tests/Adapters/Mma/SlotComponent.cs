using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

/// <summary>An adaptable component around any module, with its sites found by <see cref="ComponentSites"/> and an optional prefix site.</summary>
internal sealed class SlotComponent(string name, torch.nn.Module module, int width, ISequencePrefixSite? prefix = null) : IAdaptableComponent
{
    public string Name => name;

    public torch.nn.Module Module => module;

    public int Width => width;

    public IReadOnlyDictionary<string, ILinearSite> LinearSites => ComponentSites.Linear(module);

    public IReadOnlyList<IFeedForwardSite> FeedForwardSites => ComponentSites.FeedForward(module);

    public IReadOnlyList<IAttentionInputSite> AttentionInputSites => ComponentSites.AttentionInput(module);

    public ISequencePrefixSite? SequencePrefix => prefix;
}
