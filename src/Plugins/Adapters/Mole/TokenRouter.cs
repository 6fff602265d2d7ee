using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// One layer's router, attached as its feed-forward block's input observer: for every token of the block input
/// <c>h</c> it computes <c>p = softmax(W_r h + b_r)</c> and picks the top-1 expert <c>e = argmax p</c>, which the
/// block's gate, up and down mixtures then all use. In training forwards it also contributes the layer's
/// load-balancing statistics; in evaluation forwards that collect per-sample statistics, a router of the LLM reports
/// each sample's expert shares (<see cref="ReportExpertShares"/>). State-dict keys: <c>router.weight</c> (<c>K x C</c>)
/// and <c>router.bias</c> (<c>K</c>).
/// </summary>
public sealed class TokenRouter : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "router")]
    private readonly Linear _router;

    // Plain objects shared with other modules; none of them is a module, so nothing is registered twice.
    private readonly LayerRouting _routing;
    private readonly LoadBalanceAccumulator? _balance;
    private readonly IForwardContextAccessor _forwardContext;
    private readonly bool _maskPadding;

    /// <param name="width">The block input width C.</param>
    /// <param name="experts">The number of experts K.</param>
    /// <param name="layerIndex">The block's layer index.</param>
    /// <param name="routerGradient">Whether the selected delta carries the straight-through factor.</param>
    /// <param name="dispatch">How the mixtures compute their experts.</param>
    /// <param name="routing">Where the routing is published for the block's mixtures.</param>
    /// <param name="balance">Pools the load-balancing statistics; <c>null</c> when the loss is off.</param>
    /// <param name="forwardContext">The current forward's context (padding mask, training flag, loss reporting).</param>
    /// <param name="maskPadding">Whether the block's sequence is the LLM's, so <see cref="ForwardContext.TokenMask"/> applies to it.</param>
    /// <param name="device">Where to create the parameters.</param>
    /// <param name="generator">Random source for the initialisation; <c>null</c> for the global one.</param>
    internal TokenRouter(int width, int experts, int layerIndex, RouterGradient routerGradient, ExpertDispatch dispatch,
        LayerRouting routing, LoadBalanceAccumulator? balance, IForwardContextAccessor forwardContext, bool maskPadding,
        Device? device, Generator? generator) : base(nameof(TokenRouter))
    {
        Experts = experts;
        LayerIndex = layerIndex;
        RouterGradient = routerGradient;
        Dispatch = dispatch;
        _routing = routing;
        _balance = balance;
        _forwardContext = forwardContext;
        _maskPadding = maskPadding;
        _router = nn.Linear(width, experts, hasBias: true, device: device);
        using (no_grad())
        {
            // nn.Linear's own initialisation, written out because TorchSharp's initialisers take no generator.
            double bound = 1.0 / Math.Sqrt(width);
            _router.weight!.uniform_(-bound, bound, generator);
            _router.bias!.uniform_(-bound, bound, generator);
        }
        RegisterComponents();
    }

    /// <summary>The number of experts K.</summary>
    public int Experts { get; }

    /// <summary>The layer index of the block this router serves.</summary>
    public int LayerIndex { get; }

    /// <summary>Whether the router also learns from the task loss.</summary>
    public RouterGradient RouterGradient { get; }

    /// <summary>How the block's mixtures compute their experts.</summary>
    public ExpertDispatch Dispatch { get; }

    /// <summary><c>W_r</c>, <c>K x C</c> (state-dict key <c>router.weight</c>).</summary>
    public Parameter Weight => _router.weight!;

    /// <summary><c>b_r</c>, <c>K</c> (state-dict key <c>router.bias</c>).</summary>
    public Parameter Bias => _router.bias!;

    /// <summary>
    /// Routes the tokens of <paramref name="input"/> (<c>B x N x C</c>, or any <c>... x C</c> outside a model forward) and
    /// returns the router probabilities <c>p</c> (<c>... x K</c>).
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor probabilities = softmax(_router.call(input), -1);
        Tensor flat = probabilities.reshape(-1, Experts);
        Tensor chosen = flat.argmax(-1);
        _routing.Publish(Route(flat, chosen, input));
        if (_balance is not null && _forwardContext.Current is { IsTraining: true } context)
            ContributeBalanceStatistics(context, input, probabilities, chosen);
        if (_maskPadding && _forwardContext.Current is { CollectsSampleStatistics: true } evaluation)
            ReportExpertShares(evaluation, input, chosen);
        return probabilities.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Lays the tokens out by expert once per layer (<see cref="ExpertTiles"/>), so each of the three mixtures can gather,
    /// apply and read back with the same indices. The routing tensors live as long as <paramref name="input"/> (the block
    /// input), which outlives the block's three projections whatever dispose scopes the block opens.
    /// </summary>
    private RoutedTokens Route(Tensor flat, Tensor chosen, Tensor input)
    {
        long tokens = flat.shape[0];
        using var counts = chosen.bincount(null, Experts);
        long[] perExpert = counts.cpu().data<long>().ToArray();
        if (Dispatch == ExpertDispatch.Dense)
        {
            Tensor weights = RouterGradient == RouterGradient.StraightThrough ? flat : flat.detach();
            return new RoutedTokens(tokens, perExpert, null, null, weights.MoveToOtherDisposeScope(input));
        }
        ExpertTiles tiles = ExpertTiles.Build(chosen, perExpert, tokens, ExpertTiles.RowsPerTile(tokens, Experts));
        Tensor? paddedGate = null;
        if (RouterGradient == RouterGradient.StraightThrough)
        {
            Tensor selected = flat.gather(1, chosen.unsqueeze(1)).squeeze(1);
            paddedGate = (selected / selected.detach()).index_select(0, tiles.PaddedSource).MoveToOtherDisposeScope(input);
        }
        return new RoutedTokens(tokens, perExpert, tiles.MoveToOtherDisposeScope(input), paddedGate, null);
    }

    /// <summary>Sums, per sample, the layer's hard routing counts, probabilities and real-token count over real tokens.</summary>
    private void ContributeBalanceStatistics(ForwardContext context, Tensor input, Tensor probabilities, Tensor chosen)
    {
        var (real, routed) = RealAndRouted(context, input, chosen, probabilities.dtype);
        _balance!.Add(context, LayerIndex, (routed * real).sum(1), (probabilities * real).sum(1), real.sum(1));
    }

    /// <summary>
    /// The real-token mask (<c>B x N x 1</c>) and the one-hot routing (<c>B x N x K</c>) of a model forward's
    /// <paramref name="input"/> (<c>B x N x C</c>), both in <paramref name="dtype"/>.
    /// </summary>
    private (Tensor Real, Tensor Routed) RealAndRouted(ForwardContext context, Tensor input, Tensor chosen, ScalarType dtype)
    {
        if (input.dim() != 3)
            throw new InvalidOperationException($"the router of layer {LayerIndex} needs a B x N x C input in a model forward, got [{string.Join(", ", input.shape)}]");
        long batch = input.shape[0], length = input.shape[1];
        Tensor real = RealTokens(context, batch, length, input.device).to_type(dtype).unsqueeze(-1);
        Tensor routed = nn.functional.one_hot(chosen.view(batch, length), Experts).to_type(dtype);
        return (real, routed);
    }

    /// <summary>The per-sample statistic of this layer's expert shares: <c>&lt;adapter&gt;_layer&lt;i&gt;_experts</c>.</summary>
    public string LayerStatisticName => $"{_routing.AdapterName}_layer{LayerIndex}_experts";

    /// <summary>The per-sample statistic of the expert shares pooled over the LLM's routed layers: <c>&lt;adapter&gt;_experts</c>.</summary>
    public string PooledStatisticName => $"{_routing.AdapterName}_experts";

    /// <summary>
    /// Reports, per sample, the share of its real tokens (no padding, no prefix) this layer routed to each expert
    /// (<c>B x K</c>, rows summing to 1; zeros for a sample without real tokens) as <see cref="LayerStatisticName"/>, and
    /// the same rows as <see cref="PooledStatisticName"/>, which the context averages over the layers: every layer routes
    /// the same real tokens, so the mean is the share of the sample's (layer, real token) pairs.
    /// </summary>
    private void ReportExpertShares(ForwardContext context, Tensor input, Tensor chosen)
    {
        var (real, routed) = RealAndRouted(context, input, chosen, ScalarType.Float32);
        Tensor shares = (routed * real).sum(1) / real.sum(1).clamp_min(1);
        context.AddSampleStatistic(LayerStatisticName, shares);
        context.AddSampleStatistic(PooledStatisticName, shares);
    }

    /// <summary>
    /// Which positions of the block's sequence are real tokens: the LLM's <see cref="ForwardContext.TokenMask"/>, with any
    /// positions a sequence prefix prepended (they come first) counted as not real; every position in other components.
    /// </summary>
    private Tensor RealTokens(ForwardContext context, long batch, long length, Device device)
    {
        if (!_maskPadding) return ones(batch, length, dtype: ScalarType.Bool, device: device);
        Tensor mask = context.TokenMask;
        if (mask.dim() != 2 || mask.shape[0] != batch || mask.shape[1] > length)
            throw new InvalidOperationException(
                $"the router of layer {LayerIndex} sees {batch} x {length} tokens, which the token mask [{string.Join(", ", mask.shape)}] does not describe");
        long prefix = length - mask.shape[1];
        Tensor text = mask.to(device).to_type(ScalarType.Bool);
        return prefix == 0 ? text : cat([zeros(batch, prefix, dtype: ScalarType.Bool, device: device), text], 1);
    }
}
