using System.Reflection;
using System.Runtime.Loader;

namespace Pipeline.Host.Composition;

/// <summary>
/// The load context of one plugin assembly. It resolves the plugin's private dependencies from the plugin's
/// own folder (through its <c>.deps.json</c> when there is one) but hands every host-owned assembly
/// (contracts, TorchSharp, System.Composition, anything the host has already loaded) to the default context,
/// so plugin factories implement the host's interfaces and share the host's TorchSharp.
/// Not collectible: plugins stay loaded for the life of the process.
/// </summary>
public sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    /// <param name="pluginAssemblyPath">The full path of the plugin assembly this context loads.</param>
    public PluginLoadContext(string pluginAssemblyPath)
        : base($"plugin:{Path.GetFileName(pluginAssemblyPath)}", isCollectible: false)
    {
        PluginAssemblyPath = pluginAssemblyPath;
        _resolver = new AssemblyDependencyResolver(pluginAssemblyPath);
    }

    /// <summary>The full path of the plugin assembly this context was created for.</summary>
    public string PluginAssemblyPath { get; }

    /// <summary>Loads the plugin assembly itself into this context.</summary>
    public Assembly LoadPlugin() => LoadFromAssemblyPath(PluginAssemblyPath);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Returning null defers to the default context.
        if (HostOwnedAssemblies.TakeFromDefaultContext(assemblyName)) return null;
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
