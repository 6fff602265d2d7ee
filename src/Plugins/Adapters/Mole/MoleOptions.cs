using System.Globalization;
using Pipeline.Contracts.Options;

namespace Pipeline.Plugins.Adapters.Mole;

/// <summary>
/// Options of the <c>mole</c> adapter (LLaVA-MoLE: a sparse mixture of LoRA experts; YAML keys in snake_case).
/// Every feed-forward block that <see cref="ExpertTargets"/> selects gets a router and <see cref="Experts"/> LoRA
/// experts on each of its gate, up and down projections; every projection that <see cref="LoraTargets"/> selects gets
/// one plain LoRA delta. All deltas use the same <see cref="Rank"/>, <see cref="Alpha"/> and <see cref="Dropout"/>.
/// </summary>
public sealed record MoleOptions : IValidatableOptions
{
    /// <summary>YAML <c>experts</c>: the number K of LoRA experts per projection of each selected feed-forward block. Default 3 (the paper's setting).</summary>
    public int Experts { get; init; } = 3;

    /// <summary>YAML <c>rank</c>: the rank r of every expert and of every plain LoRA delta. Default 16.</summary>
    public int Rank { get; init; } = 16;

    /// <summary>YAML <c>alpha</c>: every delta is scaled by <c>alpha / rank</c> inside the expert, as LoRA does. Default 32 (scale 2 at rank 16).</summary>
    public double Alpha { get; init; } = 32;

    /// <summary>YAML <c>dropout</c>: dropout probability on each delta's input (the base path sees <c>x</c> unchanged). Default 0.05.</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>
    /// YAML <c>router_gradient</c>: <c>straight_through</c> (the router also learns from the task loss, through the factor
    /// <c>p_e / stopgrad(p_e)</c>) or <c>balance_only</c> (only the load-balancing loss trains it, as in the released code).
    /// Default <c>straight_through</c>.
    /// </summary>
    public RouterGradient RouterGradient { get; init; } = RouterGradient.StraightThrough;

    /// <summary>
    /// YAML <c>balance_weight</c>: the weight <c>w_bal</c> of the load-balancing loss added to the task loss in training
    /// forwards; 0 turns the loss off. Default 0.01.
    /// </summary>
    public double BalanceWeight { get; init; } = 0.01;

    /// <summary>
    /// YAML <c>dispatch</c>: <c>sparse</c> (each expert computes only its own tokens; the method) or <c>dense</c> (every
    /// expert on every token, weighted by the router probabilities; for comparison only). Default <c>sparse</c>.
    /// </summary>
    public ExpertDispatch Dispatch { get; init; } = ExpertDispatch.Sparse;

    /// <summary>
    /// YAML <c>expert_targets</c>: feed-forward block patterns per component, matched against the module paths of the
    /// component's gated feed-forward blocks (for the LLM, <c>model.layers.3.mlp</c>); see
    /// <see cref="Pipeline.Contracts.Adapters.SitePattern"/>. Each pattern must match at least one block in its own
    /// component. Default <c>{ llm: [mlp] }</c>: every decoder layer's MLP.
    /// </summary>
    public Dictionary<string, List<string>> ExpertTargets { get; init; } = new() { ["llm"] = ["mlp"] };

    /// <summary>
    /// YAML <c>lora_targets</c>: projection patterns per component that get one plain LoRA delta (no experts, no
    /// routing), matched like LoRA's <c>targets</c>. Each pattern must match at least one projection in its own component,
    /// and none may be a projection of a block in <see cref="ExpertTargets"/>. An empty map adds no plain LoRA.
    /// Default <c>{ llm: [q_proj, k_proj, v_proj, o_proj] }</c>: the attention projections.
    /// </summary>
    public Dictionary<string, List<string>> LoraTargets { get; init; } = new() { ["llm"] = ["q_proj", "k_proj", "v_proj", "o_proj"] };

    /// <summary>The factor <c>alpha / rank</c> applied to every delta.</summary>
    public double Scale => Alpha / Rank;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Experts < 1) yield return new OptionError("experts", Invariant($"must be at least 1, got {Experts}"));
        if (Rank < 1) yield return new OptionError("rank", Invariant($"must be at least 1, got {Rank}"));
        if (!(Alpha > 0)) yield return new OptionError("alpha", Invariant($"must be greater than 0, got {Alpha}"));
        if (!(Dropout >= 0 && Dropout < 1)) yield return new OptionError("dropout", Invariant($"must be in [0, 1), got {Dropout}"));
        if (!Enum.IsDefined(RouterGradient)) yield return new OptionError("router_gradient", "must be straight_through or balance_only");
        if (!(BalanceWeight >= 0 && double.IsFinite(BalanceWeight)))
            yield return new OptionError("balance_weight", Invariant($"must be 0 or greater, got {BalanceWeight}"));
        if (!Enum.IsDefined(Dispatch)) yield return new OptionError("dispatch", "must be sparse or dense");
        if (ExpertTargets is null || ExpertTargets.Count == 0)
            yield return new OptionError("expert_targets", "must name at least one component and its feed-forward block patterns, for example { llm: [mlp] }");
        else
            foreach (var error in PatternErrors("expert_targets", ExpertTargets)) yield return error;
        if (LoraTargets is not null)
            foreach (var error in PatternErrors("lora_targets", LoraTargets)) yield return error;
    }

    private static IEnumerable<OptionError> PatternErrors(string key, Dictionary<string, List<string>> targets)
    {
        foreach (var (component, patterns) in targets)
        {
            if (patterns is null || patterns.Count == 0)
                yield return new OptionError($"{key}.{component}", "must list at least one site pattern");
            else if (patterns.Any(string.IsNullOrWhiteSpace))
                yield return new OptionError($"{key}.{component}", "contains an empty site pattern");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
