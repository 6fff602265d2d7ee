using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// One layer's routing of the current forward, computed once by its <see cref="TokenRouter"/> and read by the
/// <see cref="MixtureOfLoraExperts"/> of the layer's gate, up and down projections, so all three use the same expert
/// for a token. Tokens are the rows of the input flattened to <c>T x C</c>.
/// </summary>
/// <param name="TokenCount">T, the number of routed tokens.</param>
/// <param name="TokensPerExpert">How many tokens each expert received (K entries, on the host).</param>
/// <param name="Order">Token indices sorted by expert (<c>T</c>, int64): expert 0's tokens first, then expert 1's, ...</param>
/// <param name="InverseOrder">The inverse permutation of <paramref name="Order"/>, which scatters sorted rows back.</param>
/// <param name="SortedGate">
/// The straight-through factor <c>p_e / stopgrad(p_e)</c> of each token in <paramref name="Order"/> (<c>T</c>), exactly 1 in
/// value; <c>null</c> when the router takes no task gradient or the dispatch is dense.
/// </param>
/// <param name="Weights">
/// The router probabilities (<c>T x K</c>) that weight the experts in dense dispatch (detached under
/// <see cref="RouterGradient.BalanceOnly"/>); <c>null</c> in sparse dispatch.
/// </param>
internal sealed record RoutedTokens(long TokenCount, long[] TokensPerExpert, Tensor Order, Tensor InverseOrder,
    Tensor? SortedGate, Tensor? Weights)
{
    /// <summary>Whether the tensors are still alive (they die with the dispose scope of the hidden state they were routed from).</summary>
    public bool IsAlive => !Order.IsInvalid && !InverseOrder.IsInvalid && SortedGate is not { IsInvalid: true } && Weights is not { IsInvalid: true };
}
