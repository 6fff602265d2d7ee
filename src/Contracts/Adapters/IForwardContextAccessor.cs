namespace Pipeline.Contracts.Adapters;

/// <summary>Gives adapter modules the <see cref="ForwardContext"/> of the forward they are running in.</summary>
public interface IForwardContextAccessor
{
    /// <summary>The current forward's context; <c>null</c> outside a model forward (for example when a module is called directly in a test).</summary>
    ForwardContext? Current { get; }
}
