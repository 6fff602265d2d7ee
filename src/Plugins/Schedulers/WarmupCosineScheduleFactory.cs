using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers;

/// <summary>The <c>warmup_cosine</c> schedule plugin: linear warmup, then a half-cosine to a fraction of each group's base rate.</summary>
[ExportScheduler("warmup_cosine")]
public sealed class WarmupCosineScheduleFactory : ISchedulerFactory
{
    /// <inheritdoc />
    public Type OptionsType => typeof(WarmupCosineOptions);

    /// <inheritdoc />
    public string Description => "linear warmup, then half-cosine decay per group to min_learning_rate_ratio of its base rate";

    /// <inheritdoc />
    public ILearningRateSchedule Create(object options, SchedulerBuildContext context)
    {
        var cosine = options as WarmupCosineOptions
            ?? throw new ArgumentException($"expected {nameof(WarmupCosineOptions)}, got {options?.GetType().Name ?? "null"}", nameof(options));
        return new WarmupCosineSchedule(cosine.ResolveWarmupSteps(context.TotalSteps), cosine.MinLearningRateRatio, context);
    }
}
