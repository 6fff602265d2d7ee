using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// The mailbox between one layer's router and the three mixtures of the same layer: the router publishes the routing
/// of the hidden state it has just seen, the gate, up and down mixtures read it. It is a plain object, not a module,
/// so the mixtures can share it without TorchSharp registering anything twice.
/// </summary>
internal sealed class LayerRouting(string adapterName, string blockLabel)
{
    private RoutedTokens? _current;

    /// <summary>The adapter the routing belongs to.</summary>
    public string AdapterName => adapterName;

    /// <summary>Where the routing lives, as <c>component:path</c>, for messages.</summary>
    public string BlockLabel => blockLabel;

    /// <summary>Replaces the routing with the one of the hidden state the router has just seen.</summary>
    public void Publish(RoutedTokens routed) => _current = routed;

    /// <summary>
    /// The routing of the tokens in <paramref name="input"/> (<c>... x features</c>). Throws when the router has not
    /// routed this forward's tokens: the mixtures of a layer only work behind its router.
    /// </summary>
    public RoutedTokens For(Tensor input)
    {
        long tokens = input.numel() / Math.Max(1, input.shape[^1]);
        if (_current is null || !_current.IsAlive)
            throw new InvalidOperationException(
                $"adapter '{adapterName}': no routing for {blockLabel} in this forward; its router runs as the feed-forward input observer and must see the input before the projections do");
        if (_current.TokenCount != tokens)
            throw new InvalidOperationException(
                $"adapter '{adapterName}': {blockLabel} was routed for {_current.TokenCount} tokens but a projection received {tokens}");
        return _current;
    }
}
