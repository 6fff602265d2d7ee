using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Options;

namespace Pipeline.Contracts.Encoders;

/// <summary>
/// The convenient way to write an encoder plugin (contracts 1.5): derive from this class with your options record as
/// <typeparamref name="TOptions"/>, export it with <see cref="ExportEncoderAttribute"/>, and implement
/// <see cref="Description"/> and <see cref="Create(TOptions, EncoderBuildContext)"/>, which receives your options
/// already typed. <see cref="OptionsType"/> is <c>typeof(TOptions)</c>.
/// </summary>
/// <remarks>
/// The host binds the YAML <c>options</c> block to <typeparamref name="TOptions"/> and, when it implements
/// <see cref="IValidatableOptions"/>, validates it once, at load time, reporting failures at their YAML position; this
/// class does not validate again. Implementing <see cref="IEncoderFactory"/> directly remains supported.
/// </remarks>
/// <typeparam name="TOptions">The options type: a class with a public parameterless constructor, conventionally a <c>sealed record</c>.</typeparam>
public abstract class EncoderFactory<TOptions> : IEncoderFactory where TOptions : class, new()
{
    /// <summary><c>typeof(TOptions)</c>: the type the host binds this plugin's YAML options to.</summary>
    public Type OptionsType => typeof(TOptions);

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>
    /// Casts <paramref name="options"/> to <typeparamref name="TOptions"/> and calls
    /// <see cref="Create(TOptions, EncoderBuildContext)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> is not a <typeparamref name="TOptions"/>; the message names the plugin and both types.</exception>
    public IEncoder Create(object options, EncoderBuildContext context) => Create(TypedOptions.Cast<TOptions>(options, this), context);

    /// <summary>Builds the encoder with freshly initialised weights on <see cref="EncoderBuildContext.Device"/>.</summary>
    /// <param name="options">The bound and validated options.</param>
    /// <param name="context">The encoder's name, device and seed.</param>
    protected abstract IEncoder Create(TOptions options, EncoderBuildContext context);
}
