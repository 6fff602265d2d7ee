namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>How a <c>mole</c> mixture computes its experts (YAML <c>dispatch</c>).</summary>
public enum ExpertDispatch
{
    /// <summary>
    /// <c>sparse</c>: each expert runs only on the tokens routed to it (gather, apply, scatter back), and the selected
    /// expert's delta is added unscaled. Step cost stays near plain LoRA as the number of experts grows.
    /// </summary>
    Sparse,

    /// <summary>
    /// <c>dense</c>: every expert runs on every token and the deltas are summed weighted by the router probabilities,
    /// <c>y = base + sum_k p_k delta_k</c>. For comparison only: it is not LLaVA-MoLE and costs K times the expert compute.
    /// </summary>
    Dense,
}
