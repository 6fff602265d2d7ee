namespace Pipeline.Contracts.Schedulers;

/// <summary>
/// A nested plugin choice inside an options type, written in YAML as <c>{ plugin: NAME, options: { ... } }</c>.
/// The host binds <see cref="Options"/> to the named plugin's options type, so nested options are checked as
/// strictly as top-level ones.
/// </summary>
public sealed record PluginSelection
{
    /// <summary>The plugin name.</summary>
    public string Plugin { get; init; } = "";

    /// <summary>
    /// The bound options of that plugin (an instance of its options type), or <c>null</c> before binding. The host binds
    /// and validates every selection of a pipeline when it loads the YAML, including one an options type declares as a
    /// default (<c>= new() { Plugin = "constant" }</c>) whose key the YAML leaves out: that one gets the plugin's defaults.
    /// </summary>
    public object? Options { get; init; }
}
