using System.Globalization;
using Pipeline.Contracts.Options;

namespace Pipeline.Plugins.Adapters.Lora;

/// <summary>
/// Options of the <c>lora</c> adapter (YAML keys in snake_case). Each targeted projection
/// <c>y = W x + b</c> becomes <c>y = W x + b + (alpha / rank) * B(A(dropout(x)))</c>.
/// </summary>
public sealed record LoraOptions : IValidatableOptions
{
    /// <summary>YAML <c>rank</c>: the inner dimension r of <c>B A</c>. Default 8.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>YAML <c>alpha</c>: the delta is scaled by <c>alpha / rank</c>. Default 16 (scale 2 at rank 8).</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>YAML <c>dropout</c>: dropout probability on the delta's input only (the base path sees <c>x</c> unchanged). Default 0.05.</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>
    /// YAML <c>targets</c>: site patterns per component (<c>llm</c>, or an encoder's name such as <c>vision</c>);
    /// see <see cref="Pipeline.Contracts.Adapters.SitePattern"/> for the pattern syntax. A pattern is matched only
    /// inside its own component and must match at least one projection there.
    /// Default <c>{ llm: [q_proj, v_proj] }</c> (PEFT's default for LLaMA-like models).
    /// </summary>
    public Dictionary<string, List<string>> Targets { get; init; } = new() { ["llm"] = ["q_proj", "v_proj"] };

    /// <summary>The factor <c>alpha / rank</c> applied to every delta.</summary>
    public double Scale => Alpha / Rank;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Rank < 1) yield return new OptionError("rank", Invariant($"must be at least 1, got {Rank}"));
        if (!(Alpha > 0)) yield return new OptionError("alpha", Invariant($"must be greater than 0, got {Alpha}"));
        if (!(Dropout >= 0 && Dropout < 1)) yield return new OptionError("dropout", Invariant($"must be in [0, 1), got {Dropout}"));
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
