using System.Globalization;
using Pipeline.Contracts.Options;

namespace Pipeline.Plugins.Schedulers;

/// <summary>Options of the <c>warmup_cosine</c> schedule (YAML keys in snake_case).</summary>
public sealed record WarmupCosineOptions : IValidatableOptions
{
    /// <summary>
    /// YAML <c>warmup_steps</c>: steps of linear warmup; step <c>s</c> of the warmup uses <c>(s + 1) / W</c> of the
    /// base rate. Default 0: use <see cref="WarmupFraction"/> instead. Set at most one of the two.
    /// </summary>
    public int WarmupSteps { get; init; } = 0;

    /// <summary>
    /// YAML <c>warmup_fraction</c>: the warmup as a fraction of the stage's optimizer steps, rounded to the nearest
    /// step (LaVIN: 2 of 20 epochs is 0.1). Used only when <see cref="WarmupSteps"/> is 0. Default 0 (no warmup).
    /// </summary>
    public double WarmupFraction { get; init; } = 0.0;

    /// <summary>
    /// YAML <c>min_learning_rate_ratio</c>: the rate at the stage's last step, as a fraction of each group's base
    /// rate. Default 0 (LaVIN: half-cosine to 0).
    /// </summary>
    public double MinLearningRateRatio { get; init; } = 0.0;

    /// <summary>The warmup length in a stage of <paramref name="totalSteps"/> optimizer steps.</summary>
    public long ResolveWarmupSteps(long totalSteps) =>
        WarmupSteps > 0 ? WarmupSteps : (long)Math.Round(WarmupFraction * totalSteps, MidpointRounding.AwayFromZero);

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (WarmupSteps < 0)
            yield return new OptionError("warmup_steps", Invariant($"must be at least 0, got {WarmupSteps}"));
        if (!(WarmupFraction >= 0 && WarmupFraction < 1))
            yield return new OptionError("warmup_fraction", Invariant($"must be in [0, 1), got {WarmupFraction}"));
        else if (WarmupFraction > 0 && WarmupSteps != 0)
            yield return new OptionError("warmup_fraction", "cannot be combined with warmup_steps; set one of them");
        if (!(MinLearningRateRatio >= 0 && MinLearningRateRatio <= 1))
            yield return new OptionError("min_learning_rate_ratio", Invariant($"must be in [0, 1], got {MinLearningRateRatio}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
