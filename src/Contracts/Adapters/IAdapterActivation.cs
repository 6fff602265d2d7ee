namespace Pipeline.Contracts.Adapters;

/// <summary>
/// Implemented by an <see cref="IAdapter"/> whose starting values depend on the model's weights as they are when the adapter
/// starts to train, rather than when the model is built (contracts 1.6): DoRA's magnitude is the norm of the base weight,
/// prompt tuning copies token embeddings. Earlier stages may still change those weights (see <see cref="IAdapterFactory"/>).
/// </summary>
public interface IAdapterActivation
{
    /// <summary>
    /// Called by the host once, with gradients off, when the first stage that trains this adapter starts from its first
    /// step (after the adapter was switched on, before the first forward of the stage). Not called on a run resumed from a
    /// checkpoint inside or after that stage (the checkpoint holds the values), nor when no stage trains the adapter.
    /// Set the adapter's parameters in place (<c>copy_</c>); do not replace them.
    /// </summary>
    void Activate();
}
