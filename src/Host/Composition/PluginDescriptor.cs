using Pipeline.Contracts.Composition;

namespace Pipeline.Host.Composition;

/// <summary>One plugin the catalog accepted: its export metadata, where it came from and its factory.</summary>
public sealed class PluginDescriptor
{
    /// <param name="metadata">The export metadata, already checked (known kind, matching contract major).</param>
    /// <param name="assemblyPath">The full path of the assembly the plugin was loaded from.</param>
    /// <param name="factory">The factory instance; it implements the factory interface of <see cref="Kind"/>.</param>
    public PluginDescriptor(PluginMetadata metadata, string assemblyPath, IPluginFactory factory)
    {
        Kind = metadata.Kind;
        Name = metadata.Name;
        Version = metadata.Version;
        ContractMajor = metadata.ContractMajor;
        AssemblyPath = assemblyPath;
        Factory = factory;
    }

    /// <summary>The plugin kind (<see cref="PluginKind"/>).</summary>
    public string Kind { get; }

    /// <summary>The name YAML selects the plugin by.</summary>
    public string Name { get; }

    /// <summary>The plugin's own version.</summary>
    public string Version { get; }

    /// <summary>The contracts major version the plugin was compiled against (equal to <see cref="ContractVersion.Major"/>).</summary>
    public int ContractMajor { get; }

    /// <summary>The full path of the assembly the plugin was loaded from.</summary>
    public string AssemblyPath { get; }

    /// <summary>
    /// The factory. The catalog creates it while loading (factories are stateless and cheap), so a factory
    /// whose constructor throws, or that does not implement its kind's interface, is a load problem rather
    /// than a failure in the middle of a run.
    /// </summary>
    public IPluginFactory Factory { get; }

    /// <summary>The factory's one-line description.</summary>
    public string Description => Factory.Description;

    /// <summary>The plugin as <c>kind/name</c>, the way problems and messages refer to it.</summary>
    public override string ToString() => $"{Kind}/{Name}";
}
