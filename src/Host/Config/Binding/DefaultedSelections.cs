using System.Runtime.CompilerServices;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Remembers which <see cref="PluginSelection"/> values the binder completed from a property's default (the YAML leaves
/// the key out) rather than read from the document. Their options are bound and validated like any others; the
/// configuration fingerprint shows them as it did before defaults were bound at load time (<c>options = null</c>), so
/// checkpoints written earlier still resume.
/// </summary>
internal static class DefaultedSelections
{
    private static readonly ConditionalWeakTable<PluginSelection, object> Defaulted = new();
    private static readonly object Marker = new();

    /// <summary>Records that <paramref name="selection"/> was completed from a default.</summary>
    public static void Mark(PluginSelection selection) => Defaulted.AddOrUpdate(selection, Marker);

    /// <summary>Whether <paramref name="selection"/> was completed from a default.</summary>
    public static bool IsDefaulted(PluginSelection selection) => Defaulted.TryGetValue(selection, out _);
}
