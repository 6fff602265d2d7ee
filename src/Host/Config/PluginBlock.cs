using System.ComponentModel.DataAnnotations;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config;

/// <summary>A plugin choice with its options: <c>{ plugin: NAME, options: { ... } }</c>. The options are bound to the plugin's own options type once the plugin is known.</summary>
public sealed record PluginBlock
{
    /// <summary>The plugin name (see <c>pipeline plugins</c>).</summary>
    [Required]
    public string Plugin { get; init; } = "";

    /// <summary>The plugin's options, bound strictly against its options type; absent means all defaults.</summary>
    public YamlNode? Options { get; init; }
}
