using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Pipeline.Contracts.Options;
using Pipeline.Host.Config.Binding;
using static System.FormattableString;

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

    /// <summary>
    /// Factor on the learning rate of the adapter's parameters: they train at the stage's scheduled rate of their side
    /// (<c>learning_rate.encoder</c> or <c>learning_rate.llm</c>, as the schedule shapes it every step) times this. Default 1;
    /// must be greater than 0.
    /// </summary>
    public double LrScale { get; init; } = 1;

    /// <summary>
    /// AdamW weight decay of the adapter's matrices in every stage that trains it; <c>null</c> (the default) uses the
    /// stage's <c>weight_decay</c>. Its 1-D parameters never decay. Must not be negative.
    /// </summary>
    public double? WeightDecay { get; init; }

    /// <summary>
    /// Whether the adapter sets <see cref="LrScale"/> or <see cref="WeightDecay"/>, so its parameters get optimizer groups
    /// of their own instead of sharing their side's.
    /// </summary>
    public bool HasOwnOptimizerGroups => LrScale != 1 || WeightDecay is not null;

    /// <summary>The effective instance name.</summary>
    public string InstanceName => string.IsNullOrEmpty(Name) ? Plugin : Name;

    /// <summary>
    /// The instance name becomes a module name on every site the adapter attaches to, so it must be one state-dict key
    /// segment and not the name of a projection's own parameters. The scale must be positive and the decay not negative
    /// (the binder refuses numbers that are not finite).
    /// </summary>
    public IEnumerable<OptionError> Validate()
    {
        string key = string.IsNullOrEmpty(Name) ? "plugin" : "name";
        if (InstanceName is "weight" or "bias")
            yield return new(key, $"'{InstanceName}' is reserved for the projection's own parameters (weight, bias); give the adapter a different 'name'");
        else if (!string.IsNullOrEmpty(Name) && !KeySegment().IsMatch(Name))
            yield return new("name", $"'{Name}' cannot name an adapter: use letters, digits, '_' and '-' only (it becomes a state-dict key segment)");
        if (!(LrScale > 0)) yield return new("lr_scale", Invariant($"must be greater than 0, got {LrScale}"));
        if (WeightDecay is { } decay && !(decay >= 0)) yield return new("weight_decay", Invariant($"must not be negative, got {decay}"));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex KeySegment();
}
