namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>Which losses train the routers of a <c>mole</c> adapter (YAML <c>router_gradient</c>).</summary>
public enum RouterGradient
{
    /// <summary>
    /// <c>straight_through</c>: the selected expert's delta is multiplied by <c>p_e / stopgrad(p_e)</c>, which is exactly 1
    /// in the forward pass, so the router learns from the task loss as well as from the load-balancing loss.
    /// </summary>
    StraightThrough,

    /// <summary>
    /// <c>balance_only</c>: as in the released LLaVA-MoLE code, the routing choice is not differentiable and only the
    /// load-balancing loss reaches the router.
    /// </summary>
    BalanceOnly,
}
