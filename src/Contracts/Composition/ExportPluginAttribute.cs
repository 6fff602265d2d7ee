using System.Composition;

namespace Pipeline.Contracts.Composition;

/// <summary>
/// Exports a plugin factory to the host with its metadata. Put it (or one of the kind-specific
/// attributes <see cref="ExportEncoderAttribute"/>, <see cref="ExportAdapterAttribute"/>,
/// <see cref="ExportSchedulerAttribute"/>) on a public, non-abstract class with a public parameterless
/// constructor that implements the factory interface of its kind.
/// </summary>
/// <remarks>
/// Every export is under the contract type <see cref="IPluginFactory"/>; the host reads
/// <see cref="Kind"/>, <see cref="Name"/> and <see cref="ContractMajor"/> through <see cref="PluginMetadata"/>
/// before it creates the factory, so a plugin built for another contract major version is reported,
/// not instantiated.
/// </remarks>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public class ExportPluginAttribute : ExportAttribute
{
    /// <param name="kind">One of <see cref="PluginKind"/>'s constants.</param>
    /// <param name="name">The name YAML selects the plugin by: lower case, digits, '_' and '-'; unique per kind.</param>
    public ExportPluginAttribute(string kind, string name) : base(typeof(IPluginFactory))
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>The plugin kind (<see cref="PluginKind"/>).</summary>
    public string Kind { get; }

    /// <summary>The name YAML uses to select this plugin.</summary>
    public string Name { get; }

    /// <summary>
    /// The contracts major version the plugin was compiled against. Leave the default: it is the
    /// compile-time constant <see cref="ContractVersion.Major"/> of the contracts assembly you built with.
    /// </summary>
    public int ContractMajor { get; set; } = ContractVersion.Major;

    /// <summary>The plugin's own version, shown by <c>pipeline plugins</c> (for example "1.2.0").</summary>
    public string Version { get; set; } = "1.0.0";
}
