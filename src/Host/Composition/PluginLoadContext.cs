using System.Reflection;
using System.Runtime.Loader;

namespace Pipeline.Host.Composition;

/// <summary>
/// The load context of one plugin assembly. It resolves the plugin's private dependencies from the plugin's
/// own folder (through its <c>.deps.json</c> when there is one) but hands every host-owned assembly
/// (contracts, TorchSharp, System.Composition, anything the host has already loaded) to the default context,
/// so plugin factories implement the host's interfaces and share the host's TorchSharp.
/// Under a plugin lock the assemblies (the plugin and its private dependencies) are loaded from the bytes the lock
/// hashed, so a file changed between the check and the load is never run; a dependency that resolves to a file the lock
/// did not verify is refused. Native libraries are loaded by path (the operating system's loader needs a file); the
/// lock has checked them, but they are read again when loaded.
/// Not collectible: plugins stay loaded for the life of the process.
/// </summary>
public sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;
    private readonly IReadOnlyDictionary<string, byte[]>? _verified;

    /// <param name="pluginAssemblyPath">The full path of the plugin assembly this context loads.</param>
    /// <param name="verified">The bytes a plugin lock hashed, by full path; <c>null</c> to load from disk (no lock in force).</param>
    public PluginLoadContext(string pluginAssemblyPath, IReadOnlyDictionary<string, byte[]>? verified = null)
        : base($"plugin:{Path.GetFileName(pluginAssemblyPath)}", isCollectible: false)
    {
        PluginAssemblyPath = pluginAssemblyPath;
        _resolver = new AssemblyDependencyResolver(pluginAssemblyPath);
        _verified = verified;
    }

    /// <summary>The full path of the plugin assembly this context was created for.</summary>
    public string PluginAssemblyPath { get; }

    /// <summary>Loads the plugin assembly itself into this context.</summary>
    public Assembly LoadPlugin() => LoadFile(PluginAssemblyPath);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Returning null defers to the default context.
        if (HostOwnedAssemblies.TakeFromDefaultContext(assemblyName)) return null;
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFile(path);
    }

    /// <summary>Loads the assembly at <paramref name="path"/>: from the verified bytes under a lock, else from disk.</summary>
    private Assembly LoadFile(string path)
    {
        if (_verified is null) return LoadFromAssemblyPath(path);
        return _verified.TryGetValue(Path.GetFullPath(path), out byte[]? bytes)
            ? LoadFromStream(new MemoryStream(bytes, writable: false))
            : throw new FileLoadException($"'{path}' is not among the plugin files the lock verified; refusing to load it");
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
