using Pipeline.Host.Composition;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Pipelines;

/// <summary>Lets the binder resolve nested plugin selections against the loaded plugin catalog.</summary>
public sealed class CatalogOptionsResolver(PluginCatalog catalog) : IPluginOptionsResolver
{
    public Type? OptionsTypeOf(string kind, string name) => catalog.Contains(kind, name) ? catalog.Get(kind, name).OptionsType : null;

    public IReadOnlyList<string> Names(string kind) => catalog.Names(kind);
}
