using Pipeline.Contracts.Options;

namespace MyAdapter;

/// <summary>Options of the <c>my_adapter</c> adapter, bound from its YAML <c>options:</c> block (keys in snake_case).</summary>
public sealed record MyAdapterOptions : IValidatableOptions
{
    /// <summary>Component (<c>llm</c> or an encoder's YAML name) to site patterns: a bare name matches the last
    /// path segment, <c>*</c> one segment, <c>**</c> any. Default: the LLM's attention output and MLP down projections.</summary>
    public Dictionary<string, List<string>> Targets { get; init; } = new() { ["llm"] = ["o_proj", "down_proj"] };

    /// <summary>Reported by the host at the value's YAML position, e.g. <c>model.adapters[0].options.targets: ...</c>.</summary>
    public IEnumerable<OptionError> Validate()
    {
        if (Targets.Count == 0) yield return new OptionError("targets", "must name at least one component");
        foreach (var (component, patterns) in Targets)
            if (patterns.Count == 0) yield return new OptionError($"targets.{component}", "must list at least one site pattern");
    }
}
