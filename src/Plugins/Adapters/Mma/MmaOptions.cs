using System.Globalization;
using Pipeline.Contracts.Options;

namespace Pipeline.Plugins.Adapters.Mma;

/// <summary>
/// Options of the <c>mma</c> adapter (LaVIN's mixture-of-modality adaptation; YAML keys in snake_case). Every targeted
/// attention input <c>Z</c> becomes <c>Z + scale * (w_0 Y_0 + w_1 Y_1)</c> with
/// <c>w = softmax(router(Z[:, 0]) / temperature)</c>, <c>U = dropout(down(Z))</c> and <c>Y_j = up_j(U)</c>; with
/// <see cref="Routing"/> off, <c>Z + scale * Y_0</c>.
/// </summary>
public sealed record MmaOptions : IValidatableOptions
{
    /// <summary>The site pattern that selects every attention input of a component.</summary>
    public const string EveryBlock = "attn_input";

    /// <summary>YAML <c>bottleneck</c>: the width d of the shared down-projection <c>C -> d</c>. Default 8 (LaVIN).</summary>
    public int Bottleneck { get; init; } = 8;

    /// <summary>
    /// YAML <c>groups</c>: the up-projections <c>d -> C</c> are grouped: output group g (of <c>C / groups</c> features)
    /// reads only input group g (of <c>d / groups</c> features) of <c>U</c>. Must divide <see cref="Bottleneck"/> and every
    /// targeted width. Default 2 (LaVIN).
    /// </summary>
    public int Groups { get; init; } = 2;

    /// <summary>YAML <c>temperature</c>: tau in <c>softmax(logits / tau)</c>; larger is smoother routing. Default 10 (LaVIN-7B; 13B uses 5).</summary>
    public double Temperature { get; init; } = 10;

    /// <summary>YAML <c>scale</c>: s in <c>Z + s * (w_0 Y_0 + w_1 Y_1)</c>. Default 1.</summary>
    public double Scale { get; init; } = 1;

    /// <summary>YAML <c>dropout</c>: dropout probability on <c>U</c>, the down-projection's output. Default 0.1 (LaVIN).</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>
    /// YAML <c>targets</c>: attention-input site patterns per component (<c>llm</c>, or an encoder's name such as
    /// <c>vision</c>), in <see cref="Pipeline.Contracts.Adapters.SitePattern"/> syntax over the site paths
    /// (<c>model.layers.3.attn_input</c> in the LLM, <c>encoder.layers.3.attn_input</c> in the vision encoder).
    /// <c>attn_input</c> selects every block. Default <c>{ llm: [attn_input] }</c>; LaVIN is
    /// <c>{ llm: [attn_input], vision: [attn_input] }</c>.
    /// </summary>
    public Dictionary<string, List<string>> Targets { get; init; } = new() { ["llm"] = [EveryBlock] };

    /// <summary>
    /// YAML <c>routing</c>: whether each block routes between two up-projections (LaVIN's MM-Adapter). <c>false</c> is the
    /// ablation of routing: one path, <c>Z' = Z + scale * Y_0</c>, no router and no second up-projection (and
    /// <see cref="Temperature"/> unused), and by default no modality token, since no router would read it. Default
    /// <c>true</c>.
    /// </summary>
    public bool Routing { get; init; } = true;

    /// <summary>
    /// YAML <c>modality_token</c>: whether to prepend the learned modality token <c>t_m = E_m[m]</c> at position 0 of the
    /// LLM, hidden from every other position, so that the LLM's routers read it. Default (unset): on exactly when
    /// <c>llm</c> is targeted and <see cref="Routing"/> is on. Setting it to <c>true</c> without targeting <c>llm</c>, or
    /// with <c>routing: false</c>, is an error.
    /// </summary>
    public bool? ModalityToken { get; init; }

    /// <summary>Whether the modality token is prepended (<see cref="ModalityToken"/>, or its default).</summary>
    public bool UsesModalityToken => ModalityToken ?? (Routing && Targets?.ContainsKey("llm") == true);

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Bottleneck < 1) yield return new OptionError("bottleneck", Invariant($"must be at least 1, got {Bottleneck}"));
        if (Groups < 1) yield return new OptionError("groups", Invariant($"must be at least 1, got {Groups}"));
        else if (Bottleneck >= 1 && Bottleneck % Groups != 0)
            yield return new OptionError("groups", Invariant($"must divide bottleneck ({Bottleneck}), got {Groups}"));
        if (!(Temperature > 0) || !double.IsFinite(Temperature))
            yield return new OptionError("temperature", Invariant($"must be a finite number greater than 0, got {Temperature}"));
        if (!double.IsFinite(Scale)) yield return new OptionError("scale", Invariant($"must be a finite number, got {Scale}"));
        if (!(Dropout >= 0 && Dropout < 1)) yield return new OptionError("dropout", Invariant($"must be in [0, 1), got {Dropout}"));
        if (ModalityToken == true && !Routing)
            yield return new OptionError("modality_token", "must be false with routing: false: the token acts only through the routers");
        if (Targets is null || Targets.Count == 0)
        {
            yield return new OptionError("targets", "must name at least one component and its attention-input patterns, for example { llm: [attn_input] }");
            yield break;
        }
        foreach (var (component, patterns) in Targets)
        {
            if (patterns is null || patterns.Count == 0)
                yield return new OptionError($"targets.{component}", "must list at least one attention-input pattern, for example [attn_input]");
            else if (patterns.Any(string.IsNullOrWhiteSpace))
                yield return new OptionError($"targets.{component}", "contains an empty attention-input pattern");
        }
        if (ModalityToken == true && !Targets.ContainsKey("llm"))
            yield return new OptionError("modality_token", "needs 'llm' in targets: the token acts only through the LLM's routers");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
