using Pipeline.Contracts.Adapters;
using Pipeline.Host.Pipelines;
using TorchSharp;

namespace Pipeline.Host.Modules.Multimodal;

/// <summary>
/// Turns an exception thrown inside a plugin's code during a model forward into a <see cref="PluginFailureException"/>
/// that names the plugin: <c>adapter plugin 'lora' failed in forward at llm.model.layers.0.self_attn.q_proj: ...</c>
/// or <c>encoder plugin 'vision' failed in forward: ...</c>. Instance names that differ from the plugin name are added
/// in parentheses.
/// </summary>
internal static class PluginForwardFailure
{
    /// <summary>The failure of the adapter module <paramref name="failure"/> tags, located by the site's path in <paramref name="model"/>.</summary>
    public static PluginFailureException ForAdapter(MultimodalModel model, AdapterForwardException failure)
    {
        string plugin = model.PluginOrigins.AdapterPlugin(failure.AdapterName);
        string instance = failure.AdapterName == plugin ? "" : $" (adapter '{failure.AdapterName}')";
        string? path = PathOf(model, failure.Site);
        string at = path is null ? "" : $" at {path}";
        return new PluginFailureException("adapter", plugin, $"in forward{instance}{at}", failure.InnerException!);
    }

    /// <summary>The failure of the encoder component <paramref name="component"/>.</summary>
    public static PluginFailureException ForEncoder(MultimodalModel model, string component, Exception error)
    {
        string plugin = model.PluginOrigins.EncoderPlugin(component);
        string instance = component == plugin ? "" : $" (component '{component}')";
        return new PluginFailureException("encoder", plugin, $"in forward{instance}", error);
    }

    private static string? PathOf(MultimodalModel model, torch.nn.Module site)
    {
        return model.named_modules().Where(m => ReferenceEquals(m.module, site)).Select(m => m.name).FirstOrDefault();
    }
}
