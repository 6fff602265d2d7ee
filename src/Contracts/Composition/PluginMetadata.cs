namespace Pipeline.Contracts.Composition;

/// <summary>
/// The metadata view of an export made with <see cref="ExportPluginAttribute"/>. MEF2 requires a
/// concrete class here; the host reads it before creating any plugin object.
/// </summary>
public sealed class PluginMetadata
{
    /// <summary>The plugin kind (<see cref="PluginKind"/>).</summary>
    public string Kind { get; set; } = "";

    /// <summary>The name YAML selects the plugin by.</summary>
    public string Name { get; set; } = "";

    /// <summary>The contracts major version the plugin was compiled against.</summary>
    public int ContractMajor { get; set; }

    /// <summary>The plugin's own version.</summary>
    public string Version { get; set; } = "";
}
