using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers;

/// <summary>
/// Linear warmup, then a half-cosine from each group's base rate down to <c>ratio * base</c> at the stage's last
/// step (LaVIN's schedule with <c>ratio = 0</c>). With <c>T</c> total steps and <c>W</c> warmup steps:
/// <c>lr(s) = base * (s + 1) / W</c> for <c>s &lt; W</c>; otherwise, with <c>p = (s - W) / (T - 1 - W)</c>,
/// <c>lr(s) = base * (ratio + (1 - ratio) * (1 + cos(pi * p)) / 2)</c>. Steps past <c>T - 1</c> keep the final rate.
/// </summary>
public sealed class WarmupCosineSchedule : ILearningRateSchedule
{
    private readonly SchedulerBuildContext _context;

    /// <param name="warmupSteps">Steps of linear warmup (0 for none).</param>
    /// <param name="minLearningRateRatio">The final rate as a fraction of the base rate, in [0, 1].</param>
    /// <param name="context">The stage: its length and each group's base learning rate.</param>
    public WarmupCosineSchedule(long warmupSteps, double minLearningRateRatio, SchedulerBuildContext context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (!(minLearningRateRatio >= 0 && minLearningRateRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(minLearningRateRatio), minLearningRateRatio, "must be in [0, 1]");
        WarmupSteps = warmupSteps;
        MinLearningRateRatio = minLearningRateRatio;
        _context = context;
    }

    /// <summary>Steps of linear warmup.</summary>
    public long WarmupSteps { get; }

    /// <summary>The final rate as a fraction of each group's base rate.</summary>
    public double MinLearningRateRatio { get; }

    /// <inheritdoc />
    public double LearningRate(string group, long step)
    {
        LinearWarmup.CheckStep(step);
        double baseRate = _context.BaseLearningRate(group);
        if (step < WarmupSteps) return baseRate * LinearWarmup.Factor(step, WarmupSteps);

        long lastStep = _context.TotalSteps - 1;
        long decaySteps = lastStep - WarmupSteps;
        // A decay of a single step (or none) has nowhere to go: it stays at the base rate.
        if (decaySteps <= 0) return baseRate;
        double progress = Math.Min(step, lastStep) - WarmupSteps;
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * progress / decaySteps));
        return baseRate * (MinLearningRateRatio + (1 - MinLearningRateRatio) * cosine);
    }
}
