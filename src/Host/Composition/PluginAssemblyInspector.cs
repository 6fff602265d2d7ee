using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Pipeline.Host.Composition;

/// <summary>
/// Reads a candidate plugin file's identity from its metadata without loading it, so that files which cannot
/// hold plugins (native libraries, dependencies, host-owned copies) are never loaded at all.
/// </summary>
internal static class PluginAssemblyInspector
{
    /// <summary>What the catalog needs to know about a file before loading it.</summary>
    /// <param name="Name">The assembly's simple name.</param>
    /// <param name="ReferencesContracts">
    /// Whether it references Pipeline.Contracts. Only such assemblies can export plugins, because every export
    /// is made under <c>IPluginFactory</c>.
    /// </param>
    public sealed record Identity(string Name, bool ReferencesContracts);

    private const string ContractsAssemblyName = "Pipeline.Contracts";

    /// <summary>Reads <paramref name="path"/>'s identity.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static Identity Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Reads the identity of the assembly held in <paramref name="stream"/> (for example the bytes a plugin lock verified).</summary>
    /// <exception cref="BadImageFormatException">The bytes are not a .NET assembly.</exception>
    public static Identity Read(Stream stream)
    {
        using var reader = new PEReader(stream);
        if (!reader.HasMetadata) throw new BadImageFormatException("the file has no .NET metadata");
        MetadataReader metadata = reader.GetMetadataReader();
        if (!metadata.IsAssembly) throw new BadImageFormatException("the file is a .NET module without an assembly manifest");
        string name = metadata.GetString(metadata.GetAssemblyDefinition().Name);
        bool referencesContracts = metadata.AssemblyReferences.Any(handle =>
            metadata.GetString(metadata.GetAssemblyReference(handle).Name) == ContractsAssemblyName);
        return new Identity(name, referencesContracts);
    }
}
