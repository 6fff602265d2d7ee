using System.Globalization;
using Pipeline.Contracts.Options;

namespace Pipeline.Samples.Dora;

/// <summary>
/// Options of the <c>dora</c> adapter, bound from its YAML block (keys in snake_case):
/// <code>
/// adapters:
///   - plugin: dora
///     options:
///       rank: 8
///       alpha: 16
///       targets:
///         llm: [q_proj, v_proj]
/// </code>
/// Each targeted projection's weight <c>W</c> is replaced by <c>m * V / ||V||</c> with <c>V = W + (alpha / rank) * B A</c>,
/// the norm taken per output row. There is no dropout option: the adapter changes the weight, not the input, so the
/// projection runs one matrix product and there is no separate adapter input to drop out.
/// </summary>
public sealed record DoraOptions : IValidatableOptions
{
    /// <summary>YAML <c>rank</c>: the inner dimension r of <c>B A</c>. Default 8.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>YAML <c>alpha</c>: <c>B A</c> is scaled by <c>alpha / rank</c> before it is added to <c>W</c>. Default 16 (scale 2 at rank 8).</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>
    /// YAML <c>targets</c>: site patterns per component (<c>llm</c>, or an encoder's YAML name such as <c>vision</c>); see
    /// <c>Pipeline.Contracts.Adapters.SitePattern</c> for the syntax (a bare name matches the last path segment, <c>*</c>
    /// one segment's characters, <c>**</c> any). A pattern is matched only inside its own component and must match at
    /// least one projection there. Default <c>{ llm: [q_proj, v_proj] }</c>, the same as <c>lora</c>'s.
    /// </summary>
    public Dictionary<string, List<string>> Targets { get; init; } = new() { ["llm"] = ["q_proj", "v_proj"] };

    /// <summary>The factor <c>alpha / rank</c> applied to <c>B A</c>.</summary>
    public double Scale => Alpha / Rank;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Rank < 1) yield return new OptionError("rank", Invariant($"must be at least 1, got {Rank}"));
        if (!(Alpha > 0)) yield return new OptionError("alpha", Invariant($"must be greater than 0, got {Alpha}"));
        if (Targets is null || Targets.Count == 0)
        {
            yield return new OptionError("targets", "must name at least one component and its site patterns, for example { llm: [q_proj, v_proj] }");
            yield break;
        }
        foreach (var (component, patterns) in Targets)
        {
            if (patterns is null || patterns.Count == 0)
                yield return new OptionError($"targets.{component}", "must list at least one site pattern");
            else if (patterns.Any(string.IsNullOrWhiteSpace))
                yield return new OptionError($"targets.{component}", "contains an empty site pattern");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
