using Pipeline.Contracts.Adapters;

namespace Pipeline.Plugins.Tests.Adapters.Lora;

/// <summary>No forward is running: adapters called directly in tests see no context.</summary>
internal sealed class NoForwardContext : IForwardContextAccessor
{
    public ForwardContext? Current => null;
}
