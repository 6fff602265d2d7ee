using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers;

/// <summary>The <c>constant</c> schedule plugin: each group's base rate, after an optional linear warmup.</summary>
[ExportScheduler("constant")]
public sealed class ConstantScheduleFactory : SchedulerFactory<ConstantScheduleOptions>
{
    /// <inheritdoc />
    public override string Description => "constant learning rate per group, after an optional linear warmup";

    /// <inheritdoc />
    protected override ILearningRateSchedule Create(ConstantScheduleOptions options, SchedulerBuildContext context) =>
        new ConstantSchedule(options.WarmupSteps, context);
}
