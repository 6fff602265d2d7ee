namespace Pipeline.Contracts.Composition;

/// <summary>
/// What every exported plugin is: a stateless factory that publishes its options type and builds
/// plugin objects from bound options. The host creates one factory per process and may call its
/// <c>Create</c> method many times (for example once per test or per model build).
/// </summary>
public interface IPluginFactory
{
    /// <summary>
    /// The options type the host binds this plugin's YAML block to. It must be a class with a public
    /// parameterless constructor and public settable (or <c>init</c>) properties, conventionally a
    /// <c>sealed record</c>. YAML keys are the property names in snake_case (<c>RouterGradient</c> is
    /// <c>router_gradient</c>); an unknown key is an error. Property initialisers are the defaults.
    /// Implement <see cref="Options.IValidatableOptions"/> to reject bad values with the offending key.
    /// </summary>
    Type OptionsType { get; }

    /// <summary>One line saying what the plugin does, shown by <c>pipeline plugins</c>.</summary>
    string Description { get; }
}
