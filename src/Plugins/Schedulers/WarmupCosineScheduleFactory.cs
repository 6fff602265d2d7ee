using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers;

/// <summary>The <c>warmup_cosine</c> schedule plugin: linear warmup, then a half-cosine to a fraction of each group's base rate.</summary>
[ExportScheduler("warmup_cosine")]
public sealed class WarmupCosineScheduleFactory : SchedulerFactory<WarmupCosineOptions>
{
    /// <inheritdoc />
    public override string Description => "linear warmup, then half-cosine decay per group to min_learning_rate_ratio of its base rate";

    /// <inheritdoc />
    protected override ILearningRateSchedule Create(WarmupCosineOptions options, SchedulerBuildContext context) =>
        new WarmupCosineSchedule(options.ResolveWarmupSteps(context.TotalSteps), options.MinLearningRateRatio, context);
}
