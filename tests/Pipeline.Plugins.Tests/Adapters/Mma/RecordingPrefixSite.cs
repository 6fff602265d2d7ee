using Pipeline.Contracts.Adapters;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

/// <summary>A sequence-prefix site that records what adapters attach to it.</summary>
internal sealed class RecordingPrefixSite : ISequencePrefixSite
{
    public List<(string Name, ISequencePrefix Prefix)> Attached { get; } = [];

    public void Attach(string adapterName, ISequencePrefix prefix) => Attached.Add((adapterName, prefix));
}
