using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Options;

namespace Pipeline.Contracts.Schedulers;

/// <summary>
/// The convenient way to write a scheduler plugin (contracts 1.5): derive from this class with your options record as
/// <typeparamref name="TOptions"/>, export it with <see cref="ExportSchedulerAttribute"/>, and implement
/// <see cref="Description"/> and <see cref="Create(TOptions, SchedulerBuildContext)"/>, which receives your options
/// already typed. <see cref="OptionsType"/> is <c>typeof(TOptions)</c>.
/// </summary>
/// <remarks>
/// The host binds the YAML <c>options</c> block to <typeparamref name="TOptions"/> and, when it implements
/// <see cref="IValidatableOptions"/>, validates it once, at load time, reporting failures at their YAML position; this
/// class does not validate again. A <see cref="PluginSelection"/> inside the options (a wrapped base schedule) is bound
/// and validated at load time too, so pass it to <see cref="SchedulerBuildContext.CreateSchedule"/> as it is.
/// Implementing <see cref="ISchedulerFactory"/> directly remains supported.
/// </remarks>
/// <typeparam name="TOptions">The options type: a class with a public parameterless constructor, conventionally a <c>sealed record</c>.</typeparam>
public abstract class SchedulerFactory<TOptions> : ISchedulerFactory where TOptions : class, new()
{
    /// <summary><c>typeof(TOptions)</c>: the type the host binds this plugin's YAML options to.</summary>
    public Type OptionsType => typeof(TOptions);

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>
    /// Casts <paramref name="options"/> to <typeparamref name="TOptions"/> and calls
    /// <see cref="Create(TOptions, SchedulerBuildContext)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> is not a <typeparamref name="TOptions"/>; the message names the plugin and both types.</exception>
    public ILearningRateSchedule Create(object options, SchedulerBuildContext context) => Create(TypedOptions.Cast<TOptions>(options, this), context);

    /// <summary>Builds the schedule for one stage.</summary>
    /// <param name="options">The bound and validated options.</param>
    /// <param name="context">The stage length and parameter groups.</param>
    protected abstract ILearningRateSchedule Create(TOptions options, SchedulerBuildContext context);
}
