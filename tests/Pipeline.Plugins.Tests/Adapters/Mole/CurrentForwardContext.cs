using Pipeline.Contracts.Adapters;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>A forward-context accessor the test sets by hand, standing in for the host's per-forward context.</summary>
internal sealed class CurrentForwardContext : IForwardContextAccessor
{
    public ForwardContext? Current { get; set; }
}
