using System.Globalization;
using Pipeline.Contracts.Options;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers.Commit;

/// <summary>
/// Options of the <c>commit</c> schedule (YAML keys in snake_case). The formulas they parameterise are in
/// <see cref="CommitReconstruction"/>; docs/schedulers/commit.md restates them.
/// </summary>
public sealed record CommitOptions : IValidatableOptions
{
    /// <summary>
    /// YAML <c>base</c>: the schedule CoMMIT scales, any other scheduler plugin, written
    /// <c>{ plugin: NAME, options: { ... } }</c>. Default <c>{ plugin: warmup_cosine }</c> with that plugin's defaults
    /// (no warmup, half-cosine to 0).
    /// </summary>
    public PluginSelection Base { get; init; } = new() { Plugin = "warmup_cosine" };

    /// <summary>
    /// YAML <c>measure_every</c>: measure the balance coefficient kappa after every this many optimizer steps (after
    /// steps <c>measure_every - 1</c>, <c>2 * measure_every - 1</c>, ...). Each measurement costs three forward passes
    /// of the current batch without gradients. Default 10.
    /// </summary>
    public int MeasureEvery { get; init; } = 10;

    /// <summary>
    /// YAML <c>update_every</c>: recompute the two learning-rate multipliers from the moving average after every this
    /// many optimizer steps; they apply from the next step on. Must be a multiple of <c>measure_every</c>, so that every
    /// update follows a measurement. Default 50.
    /// </summary>
    public int UpdateEvery { get; init; } = 50;

    /// <summary>YAML <c>ema_beta</c>: the moving average's decay, <c>kbar = beta * kbar + (1 - beta) * kappa</c>; in [0, 1). Default 0.9.</summary>
    public double EmaBeta { get; init; } = 0.9;

    /// <summary>YAML <c>gamma</c>: the exponent of the multipliers, <c>(0.5 / kbar)^gamma</c>; at least 0 (0 turns the multipliers off). Default 1.</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>YAML <c>multiplier_min</c>: the smallest multiplier either side's rate can get; greater than 0. Default 0.1.</summary>
    public double MultiplierMin { get; init; } = 0.1;

    /// <summary>YAML <c>multiplier_max</c>: the largest multiplier either side's rate can get; at least <c>multiplier_min</c>. Default 10.</summary>
    public double MultiplierMax { get; init; } = 10.0;

    /// <summary>
    /// YAML <c>aux_weight</c>: lambda of the entropy term <c>L_aux = -lambda * |2 kbar - 1| * mean H(p)</c> added to the
    /// loss; at least 0 (0 disables it). Default 0.01.
    /// </summary>
    public double AuxWeight { get; init; } = 0.01;

    /// <summary>
    /// YAML <c>epsilon</c>: added to the denominator of <c>kappa = D_S / (D_S + D_T + epsilon)</c>; a measurement with
    /// <c>D_S + D_T &lt;= epsilon</c> (neither side changed the answers) is skipped. At least 0. Default 1e-12.
    /// </summary>
    public double Epsilon { get; init; } = 1e-12;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Base.Plugin))
            yield return new OptionError("base.plugin", "name the scheduler plugin to scale, for example warmup_cosine");
        else if (Base.Plugin == CommitScheduleFactory.Name)
            yield return new OptionError("base.plugin", "cannot be commit itself; name the schedule to scale, for example warmup_cosine");
        if (MeasureEvery < 1)
            yield return new OptionError("measure_every", Invariant($"must be at least 1, got {MeasureEvery}"));
        if (UpdateEvery < 1)
            yield return new OptionError("update_every", Invariant($"must be at least 1, got {UpdateEvery}"));
        else if (MeasureEvery >= 1 && UpdateEvery % MeasureEvery != 0)
            yield return new OptionError("update_every", Invariant($"must be a multiple of measure_every ({MeasureEvery}), got {UpdateEvery}"));
        if (!(EmaBeta >= 0 && EmaBeta < 1))
            yield return new OptionError("ema_beta", Invariant($"must be in [0, 1), got {EmaBeta}"));
        if (!(Gamma >= 0 && double.IsFinite(Gamma)))
            yield return new OptionError("gamma", Invariant($"must be a finite number at least 0, got {Gamma}"));
        if (!(MultiplierMin > 0 && double.IsFinite(MultiplierMin)))
            yield return new OptionError("multiplier_min", Invariant($"must be a finite number greater than 0, got {MultiplierMin}"));
        if (!(MultiplierMax >= MultiplierMin && double.IsFinite(MultiplierMax)))
            yield return new OptionError("multiplier_max", Invariant($"must be a finite number at least multiplier_min ({MultiplierMin}), got {MultiplierMax}"));
        if (!(AuxWeight >= 0 && double.IsFinite(AuxWeight)))
            yield return new OptionError("aux_weight", Invariant($"must be a finite number at least 0, got {AuxWeight}"));
        if (!(Epsilon >= 0 && double.IsFinite(Epsilon)))
            yield return new OptionError("epsilon", Invariant($"must be a finite number at least 0, got {Epsilon}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
