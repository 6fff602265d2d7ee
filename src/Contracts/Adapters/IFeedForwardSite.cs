using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A gated feed-forward network <c>down(act(gate(h)) * up(h))</c> whose three projections are linear sites,
/// plus a hook that sees the network input <c>h</c> (the post-attention-norm hidden state) before any projection
/// runs. Mixture-of-experts adapters use the hook to route each token once and share the choice across the
/// three projections of the same layer.
/// </summary>
public interface IFeedForwardSite
{
    /// <summary>The block index, from 0.</summary>
    int LayerIndex { get; }

    /// <summary>The gate projection (C to hidden).</summary>
    ILinearSite Gate { get; }

    /// <summary>The up projection (C to hidden).</summary>
    ILinearSite Up { get; }

    /// <summary>The down projection (hidden to C).</summary>
    ILinearSite Down { get; }

    /// <summary>
    /// Attaches an observer under <paramref name="adapterName"/>: a module (so its parameters, such as a router's,
    /// are registered in this block) that is called with <c>h</c> (<c>B x N x C</c>) at the start of every forward.
    /// </summary>
    void AttachInputObserver(string adapterName, nn.Module<Tensor, Tensor> observer);
}
