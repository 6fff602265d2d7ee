using System.Reflection;
using System.Runtime.Loader;

namespace Pipeline.Host.Composition;

/// <summary>
/// Decides which assemblies plugins must share with the host instead of loading their own copy.
/// A second copy of the contracts or of TorchSharp would give plugins types the host does not recognise
/// (and TorchSharp a second native loader), so those always come from the default load context.
/// </summary>
internal static class HostOwnedAssemblies
{
    private static readonly string[] SharedNames = ["Pipeline.Contracts", "TorchSharp"];
    private const string CompositionPrefix = "System.Composition.";

    /// <summary>The host assembly's own simple name (<c>pipeline</c>).</summary>
    private static readonly string HostName = typeof(HostOwnedAssemblies).Assembly.GetName().Name!;

    /// <summary>
    /// Whether <paramref name="simpleName"/> names an assembly every plugin must take from the host:
    /// the contracts, TorchSharp, MEF (System.Composition.*) or the host itself.
    /// </summary>
    public static bool IsShared(string simpleName) =>
        SharedNames.Contains(simpleName, StringComparer.OrdinalIgnoreCase)
        || simpleName.StartsWith(CompositionPrefix, StringComparison.OrdinalIgnoreCase)
        || string.Equals(simpleName, HostName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a plugin that references <paramref name="name"/> should get the default context's copy:
    /// it is shared (<see cref="IsShared"/>) or the default context has already loaded an assembly of that name.
    /// </summary>
    public static bool TakeFromDefaultContext(AssemblyName name)
    {
        if (name.Name is null) return false;
        if (IsShared(name.Name)) return true;
        return AssemblyLoadContext.Default.Assemblies.Any(a =>
            string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase));
    }
}
