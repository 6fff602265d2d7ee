using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers;

/// <summary>
/// Each group's base learning rate at every step, after an optional linear warmup:
/// <c>lr(s) = base * (s + 1) / W</c> for <c>s &lt; W</c>, then <c>base</c>.
/// </summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    private readonly SchedulerBuildContext _context;

    /// <param name="warmupSteps">Steps of linear warmup (0 for none).</param>
    /// <param name="context">The stage, for each group's base learning rate.</param>
    public ConstantSchedule(long warmupSteps, SchedulerBuildContext context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        WarmupSteps = warmupSteps;
        _context = context;
    }

    /// <summary>Steps of linear warmup.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public double LearningRate(string group, long step)
    {
        LinearWarmup.CheckStep(step);
        return _context.BaseLearningRate(group) * LinearWarmup.Factor(step, WarmupSteps);
    }
}
