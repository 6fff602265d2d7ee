using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Options;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// The convenient way to write an adapter plugin (contracts 1.5): derive from this class with your options record as
/// <typeparamref name="TOptions"/>, export it with <see cref="ExportAdapterAttribute"/>, and implement
/// <see cref="Description"/> and <see cref="Attach(TOptions, AdapterBuildContext)"/>, which receives your options
/// already typed. <see cref="OptionsType"/> is <c>typeof(TOptions)</c>.
/// </summary>
/// <remarks>
/// The host binds the YAML <c>options</c> block to <typeparamref name="TOptions"/> and, when it implements
/// <see cref="IValidatableOptions"/>, validates it once, at load time, reporting failures at their YAML position; this
/// class does not validate again, so <see cref="Attach(TOptions, AdapterBuildContext)"/> may assume valid options.
/// Implementing <see cref="IAdapterFactory"/> directly (taking <c>object</c> and casting) remains supported.
/// </remarks>
/// <typeparam name="TOptions">The options type: a class with a public parameterless constructor, conventionally a <c>sealed record</c>.</typeparam>
public abstract class AdapterFactory<TOptions> : IAdapterFactory where TOptions : class, new()
{
    /// <summary><c>typeof(TOptions)</c>: the type the host binds this plugin's YAML options to.</summary>
    public Type OptionsType => typeof(TOptions);

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>
    /// Casts <paramref name="options"/> to <typeparamref name="TOptions"/> and calls
    /// <see cref="Attach(TOptions, AdapterBuildContext)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> is not a <typeparamref name="TOptions"/>; the message names the plugin and both types.</exception>
    public IAdapter Attach(object options, AdapterBuildContext context) => Attach(TypedOptions.Cast<TOptions>(options, this), context);

    /// <summary>
    /// Creates the adapter's modules and attaches them to the sites it targets in
    /// <see cref="AdapterBuildContext.Components"/>; see <see cref="IAdapterFactory.Attach"/> for what the host expects
    /// (identity at start, <see cref="AdapterTargetException"/> for a pattern that matches nothing).
    /// </summary>
    /// <param name="options">The bound and validated options.</param>
    /// <param name="context">The model's components and build settings.</param>
    protected abstract IAdapter Attach(TOptions options, AdapterBuildContext context);
}
