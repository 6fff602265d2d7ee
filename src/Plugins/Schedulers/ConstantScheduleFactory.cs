using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers;

/// <summary>The <c>constant</c> schedule plugin: each group's base rate, after an optional linear warmup.</summary>
[ExportScheduler("constant")]
public sealed class ConstantScheduleFactory : ISchedulerFactory
{
    /// <inheritdoc />
    public Type OptionsType => typeof(ConstantScheduleOptions);

    /// <inheritdoc />
    public string Description => "constant learning rate per group, after an optional linear warmup";

    /// <inheritdoc />
    public ILearningRateSchedule Create(object options, SchedulerBuildContext context)
    {
        var constant = options as ConstantScheduleOptions
            ?? throw new ArgumentException($"expected {nameof(ConstantScheduleOptions)}, got {options?.GetType().Name ?? "null"}", nameof(options));
        return new ConstantSchedule(constant.WarmupSteps, context);
    }
}
