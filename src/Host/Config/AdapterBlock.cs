using System.ComponentModel.DataAnnotations;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Config;

/// <summary>One adapter: <c>{ plugin: lora, name: lora, options: { ... } }</c>.</summary>
public sealed record AdapterBlock
{
    /// <summary>The adapter plugin name.</summary>
    [Required]
    public string Plugin { get; init; } = "";

    /// <summary>The instance name its modules are registered under (state-dict keys); defaults to the plugin name.</summary>
    public string? Name { get; init; }

    /// <summary>The adapter's options, bound strictly against the plugin's options type.</summary>
    public ConfigNode? Options { get; init; }

    /// <summary>The effective instance name.</summary>
    public string InstanceName => string.IsNullOrEmpty(Name) ? Plugin : Name;
}
