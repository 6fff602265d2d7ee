using System.Text.Json.Serialization;

namespace Pipeline.Host.Matrix;

/// <summary>
/// <c>summary.best</c>: per group of the axes other than <c>summary.over</c> and <see cref="Axis"/>, the label of
/// <see cref="Axis"/> whose mean of <see cref="Metric"/> is best (ties: the first in <see cref="Labels"/>).
/// </summary>
public sealed record BestLabelChoice
{
    /// <summary>The axis chosen over (a learning-rate axis, say).</summary>
    [JsonPropertyName("axis")] public string Axis { get; init; } = "";

    /// <summary>The axis's labels in the matrix file's order: ties go to the first.</summary>
    [JsonPropertyName("labels")] public List<string> Labels { get; init; } = [];

    /// <summary>The metric whose mean decides (a results column: <c>accuracy</c>, <c>pretrain.accuracy_text</c>, ...).</summary>
    [JsonPropertyName("metric")] public string Metric { get; init; } = "";

    /// <summary>Whether a higher or a lower mean is better (never <see cref="MetricDirection.Equal"/>).</summary>
    [JsonPropertyName("direction")] public string Direction { get; init; } = "higher";

    /// <summary><see cref="Direction"/> as a value.</summary>
    [JsonIgnore] public bool HigherIsBetter => Direction == "higher";
}
