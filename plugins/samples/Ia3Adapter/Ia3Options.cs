using Pipeline.Contracts.Options;

namespace Pipeline.Samples.Ia3;

/// <summary>
/// Options of the <c>ia3</c> adapter, bound from its YAML block:
/// <code>
/// adapters:
///   - plugin: ia3
///     options:
///       targets:
///         llm: [k_proj, v_proj, up_proj]
/// </code>
/// </summary>
public sealed record Ia3Options : IValidatableOptions
{
    /// <summary>
    /// Which projections get a learned scale vector: component name (<c>llm</c> or an encoder's YAML name) to
    /// site patterns (see <c>Pipeline.Contracts.Adapters.SitePattern</c>: a bare name matches the last path segment,
    /// <c>*</c> one segment, <c>**</c> any segments). Every pattern must match at least one projection of its
    /// component, and only projections without a bias can be scaled (the LLM's have none; the built-in encoders' have).
    /// Default: the LLM's key, value and up projections, the three places IA3 rescales
    /// (keys, values and, because <c>down(act(gate(h)) * up(h))</c> is linear in <c>up(h)</c>, the feed-forward
    /// intermediate activation).
    /// </summary>
    public Dictionary<string, List<string>> Targets { get; init; } = new()
    {
        ["llm"] = ["k_proj", "v_proj", "up_proj"],
    };

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Targets.Count == 0)
            yield return new OptionError("targets", "must name at least one component, for example { llm: [k_proj, v_proj, up_proj] }");
        foreach (var (component, patterns) in Targets)
        {
            if (patterns.Count == 0)
                yield return new OptionError($"targets.{component}", "must list at least one site pattern");
            else if (patterns.Any(string.IsNullOrWhiteSpace))
                yield return new OptionError($"targets.{component}", "site patterns must not be empty");
        }
    }
}
