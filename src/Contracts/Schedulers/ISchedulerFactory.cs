using Pipeline.Contracts.Composition;

namespace Pipeline.Contracts.Schedulers;

/// <summary>
/// Builds a learning-rate schedule for one training stage. Export the implementing class with
/// <see cref="ExportSchedulerAttribute"/>. Deriving from <see cref="SchedulerFactory{TOptions}"/> implements this
/// interface with typed options.
/// </summary>
public interface ISchedulerFactory : IPluginFactory
{
    /// <param name="options">An instance of <see cref="IPluginFactory.OptionsType"/>, bound and validated.</param>
    /// <param name="context">The stage length and parameter groups.</param>
    ILearningRateSchedule Create(object options, SchedulerBuildContext context);
}
