using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Pipelines;

/// <summary>A plugin chosen in YAML with its bound options.</summary>
/// <param name="InstanceName">The component or adapter name it is built under.</param>
/// <param name="Factory">The plugin's factory.</param>
/// <param name="Options">An instance of the factory's options type, bound and validated.</param>
/// <param name="Node">Where it was declared, for error positions.</param>
public sealed record ConfiguredPlugin<TFactory>(string InstanceName, string PluginName, TFactory Factory, object Options, ConfigNode Node);
