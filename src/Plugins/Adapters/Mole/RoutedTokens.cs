using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// One layer's routing of the current forward, computed once by its <see cref="TokenRouter"/> and read by the
/// <see cref="MixtureOfLoraExperts"/> of the layer's gate, up and down projections, so all three use the same expert
/// for a token. Tokens are the rows of the input flattened to <c>T x C</c>.
/// </summary>
/// <param name="TokenCount">T, the number of routed tokens.</param>
/// <param name="TokensPerExpert">How many tokens each expert received (K entries, on the host).</param>
/// <param name="Tiles">The tokens laid out by expert for sparse dispatch; <c>null</c> in dense dispatch.</param>
/// <param name="PaddedGate">
/// The straight-through factor <c>p_e / stopgrad(p_e)</c> of the token in each padded row of <paramref name="Tiles"/>,
/// exactly 1 in value; <c>null</c> when the router takes no task gradient or the dispatch is dense.
/// </param>
/// <param name="Weights">
/// The router probabilities (<c>T x K</c>) that weight the experts in dense dispatch (detached under
/// <see cref="RouterGradient.BalanceOnly"/>); <c>null</c> in sparse dispatch.
/// </param>
internal sealed record RoutedTokens(long TokenCount, long[] TokensPerExpert, ExpertTiles? Tiles, Tensor? PaddedGate, Tensor? Weights)
{
    /// <summary>Whether the tensors are still alive (they die with the dispose scope of the hidden state they were routed from).</summary>
    public bool IsAlive => Tiles is not { IsAlive: false } && PaddedGate is not { IsInvalid: true } && Weights is not { IsInvalid: true };
}
