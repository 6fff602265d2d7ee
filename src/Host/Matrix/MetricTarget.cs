using System.Globalization;
using System.Text.Json.Serialization;

namespace Pipeline.Host.Matrix;

/// <summary>
/// One <c>summary.targets</c> entry: each cell reports the first global step (stages laid end to end) at which an
/// evaluation record of its <c>metrics.jsonl</c> reached <see cref="Value"/> of <see cref="Metric"/>, as the column
/// <see cref="Column"/> (<c>steps_to_accuracy_0.8</c>); empty when it never did.
/// </summary>
/// <param name="Metric">An evaluation metric: <c>accuracy</c>, <c>accuracy_CATEGORY</c> or <c>eval_loss</c>.</param>
/// <param name="Value">The value to reach: at least it for accuracies, at most it for <c>eval_loss</c>.</param>
public sealed record MetricTarget(
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("value")] double Value)
{
    public const string ColumnPrefix = "steps_to_";

    /// <summary>The results column: <c>steps_to_</c>, the metric, <c>_</c> and the value's shortest text (<c>steps_to_accuracy_0.8</c>).</summary>
    [JsonIgnore] public string Column => $"{ColumnPrefix}{Metric}_{Value.ToString("R", CultureInfo.InvariantCulture)}";

    /// <summary>Whether <paramref name="measured"/> reaches the target: lower is better for losses, higher otherwise.</summary>
    public bool IsReachedBy(double measured) =>
        MatrixToleranceReader.DefaultDirection(Metric) == MetricDirection.Lower ? measured <= Value : measured >= Value;
}
