using Pipeline.Contracts.Adapters;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// Pools the routing statistics of every routed layer of one component over one forward and reports the
/// load-balancing loss once, when the last of those layers has contributed:
/// <c>L_bal = (1/B) sum_i sum_k f_ik P_ik</c>, with <c>f_ik</c> the fraction of sample i's (layer, real token) pairs
/// routed to expert k (no gradient) and <c>P_ik</c> the mean router probability of k over the same pairs.
/// </summary>
/// <remarks>
/// A forward is recognised by its <see cref="ForwardContext"/> instance (the host makes a new one per model forward).
/// Statistics are summed as layers run rather than kept per layer, and every partial sum lives in the dispose scope that
/// owns the batch's <see cref="ForwardContext.TokenMask"/>: the per-layer dispose scopes of the model end long before the
/// last layer runs, while the batch outlives the whole forward and the backward that follows it.
/// </remarks>
internal sealed class LoadBalanceAccumulator(string adapterName, string lossName, double weight, int layerCount)
{
    private readonly HashSet<int> _contributed = [];
    private ForwardContext? _context;
    private Tensor? _routedCounts;
    private Tensor? _probabilitySums;
    private Tensor? _tokenCounts;

    /// <summary>The weight <c>w_bal</c>; the reported loss is <c>w_bal * L_bal</c>.</summary>
    public double Weight => weight;

    /// <summary>The name the loss is reported under.</summary>
    public string LossName => lossName;

    /// <summary>
    /// Adds one layer's statistics, each <c>B x K</c> summed over that layer's real tokens (<paramref name="tokenCounts"/>
    /// is <c>B x 1</c>), and reports the loss to <paramref name="context"/> once every layer has contributed.
    /// </summary>
    public void Add(ForwardContext context, int layerIndex, Tensor routedCounts, Tensor probabilitySums, Tensor tokenCounts)
    {
        if (!ReferenceEquals(context, _context))
        {
            // A new forward: whatever an earlier (possibly interrupted) forward left belongs to that batch's scope.
            _context = context;
            _contributed.Clear();
            (_routedCounts, _probabilitySums, _tokenCounts) = (null, null, null);
        }
        if (!_contributed.Add(layerIndex))
            throw new InvalidOperationException(
                $"adapter '{adapterName}': the router of layer {layerIndex} ran twice in one forward; the load-balancing loss pools each layer once");
        _routedCounts = Accumulate(_routedCounts, routedCounts, context);
        _probabilitySums = Accumulate(_probabilitySums, probabilitySums, context);
        _tokenCounts = Accumulate(_tokenCounts, tokenCounts, context);
        if (_contributed.Count < layerCount) return;

        using var scope = NewDisposeScope();
        Tensor pairs = _tokenCounts.clamp_min(1);
        Tensor routedFraction = _routedCounts / pairs;
        Tensor meanProbability = _probabilitySums / pairs;
        Tensor loss = (routedFraction * meanProbability).sum(1).mean().mul(weight);
        context.AddAuxiliaryLoss(lossName, loss.MoveToOtherDisposeScope(context.TokenMask));
        (_routedCounts, _probabilitySums, _tokenCounts) = (null, null, null);
    }

    private static Tensor Accumulate(Tensor? total, Tensor layer, ForwardContext context) =>
        (total is null ? layer : total + layer).MoveToOtherDisposeScope(context.TokenMask);
}
