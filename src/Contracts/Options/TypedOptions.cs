using System.Reflection;
using Pipeline.Contracts.Composition;

namespace Pipeline.Contracts.Options;

/// <summary>
/// The one cast from the <c>object</c> a factory interface receives to the options type the factory publishes, shared by
/// <see cref="Adapters.AdapterFactory{TOptions}"/>, <see cref="Encoders.EncoderFactory{TOptions}"/> and
/// <see cref="Schedulers.SchedulerFactory{TOptions}"/>.
/// </summary>
internal static class TypedOptions
{
    /// <summary>
    /// Returns <paramref name="options"/> as <typeparamref name="TOptions"/>, or throws <see cref="ArgumentException"/>
    /// naming the plugin (kind and name from its export attribute, else its class) and both types, for example
    /// "adapter 'lora' expects options of type LoraOptions, got MoleOptions".
    /// </summary>
    public static TOptions Cast<TOptions>(object options, IPluginFactory factory) where TOptions : class =>
        options as TOptions ?? throw new ArgumentException(
            $"{Describe(factory)} expects options of type {typeof(TOptions).Name}, got {(options is null ? "null" : options.GetType().Name)}",
            nameof(options));

    private static string Describe(IPluginFactory factory)
    {
        Type type = factory.GetType();
        var export = type.GetCustomAttribute<ExportPluginAttribute>();
        return export is null ? type.Name : $"{export.Kind} '{export.Name}'";
    }
}
