namespace Pipeline.Host.Modules.Multimodal;

/// <summary>
/// Which plugin built each encoder component and each attached adapter, so a failure inside the model can be
/// reported by plugin. Names that were never recorded (a model assembled by hand in a test) stand for themselves.
/// </summary>
public sealed class PluginOrigins
{
    private readonly Dictionary<string, string> _encoders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _adapters = new(StringComparer.Ordinal);

    /// <summary>Records that the encoder component <paramref name="component"/> was built by plugin <paramref name="plugin"/>.</summary>
    public void AddEncoder(string component, string plugin) => _encoders[component] = plugin;

    /// <summary>Records that the adapter named <paramref name="adapter"/> was attached by plugin <paramref name="plugin"/>.</summary>
    public void AddAdapter(string adapter, string plugin) => _adapters[adapter] = plugin;

    /// <summary>The plugin that built encoder component <paramref name="component"/>.</summary>
    public string EncoderPlugin(string component) => _encoders.GetValueOrDefault(component, component);

    /// <summary>The plugin that attached the adapter named <paramref name="adapter"/>.</summary>
    public string AdapterPlugin(string adapter) => _adapters.GetValueOrDefault(adapter, adapter);
}
