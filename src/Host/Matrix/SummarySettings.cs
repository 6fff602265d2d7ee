using System.Text.Json.Serialization;

namespace Pipeline.Host.Matrix;

/// <summary>
/// A matrix's <c>summary</c> (docs/MATRIX.md): which axes are repeats to average over, which axis to choose the best label
/// of, the targets whose steps each cell reports, and the curves drawn as means over the repeats. Also stored in
/// <c>matrix.json</c>, so <c>pipeline matrix collect</c> summarises the same way.
/// </summary>
public sealed record SummarySettings
{
    /// <summary>The axes whose cells are repeats (<c>summary.over</c>): rows are grouped by every other axis's labels.</summary>
    [JsonPropertyName("over")] public List<string> Over { get; init; } = [];

    /// <summary>The axis whose best label is kept per group of the remaining axes (<c>summary.best</c>), or <c>null</c>.</summary>
    [JsonPropertyName("best")] public BestLabelChoice? Best { get; init; }

    /// <summary>The values whose first reaching step each cell reports (<c>summary.targets</c>), in YAML order.</summary>
    [JsonPropertyName("targets")] public List<MetricTarget> Targets { get; init; } = [];

    /// <summary>The <c>metrics.jsonl</c> keys drawn as means over the repeats by step (<c>summary.curves</c>).</summary>
    [JsonPropertyName("curves")] public List<string> Curves { get; init; } = [];
}
