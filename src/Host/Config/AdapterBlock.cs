using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Pipeline.Contracts.Options;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Config;

/// <summary>One adapter: <c>{ plugin: lora, name: lora, options: { ... } }</c>.</summary>
public sealed partial record AdapterBlock : IValidatableOptions
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

    /// <summary>
    /// The instance name becomes a module name on every site the adapter attaches to, so it must be one state-dict key
    /// segment and not the name of a projection's own parameters.
    /// </summary>
    public IEnumerable<OptionError> Validate()
    {
        string key = string.IsNullOrEmpty(Name) ? "plugin" : "name";
        if (InstanceName is "weight" or "bias")
            yield return new(key, $"'{InstanceName}' is reserved for the projection's own parameters (weight, bias); give the adapter a different 'name'");
        else if (!string.IsNullOrEmpty(Name) && !KeySegment().IsMatch(Name))
            yield return new("name", $"'{Name}' cannot name an adapter: use letters, digits, '_' and '-' only (it becomes a state-dict key segment)");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex KeySegment();
}
