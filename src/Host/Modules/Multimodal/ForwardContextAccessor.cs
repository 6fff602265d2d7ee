using Pipeline.Contracts.Adapters;

namespace Pipeline.Host.Modules.Multimodal;

/// <summary>The host's <see cref="IForwardContextAccessor"/>: the model makes a context current for one forward.</summary>
public sealed class ForwardContextAccessor : IForwardContextAccessor
{
    public ForwardContext? Current { get; private set; }

    /// <summary>Makes <paramref name="context"/> current until the returned handle is disposed.</summary>
    public IDisposable Use(ForwardContext context)
    {
        if (Current is not null) throw new InvalidOperationException("a forward is already running (forwards do not nest)");
        Current = context;
        return new Release(this);
    }

    private sealed class Release(ForwardContextAccessor owner) : IDisposable
    {
        public void Dispose() => owner.Current = null;
    }
}
