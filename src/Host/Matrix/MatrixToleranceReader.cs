using System.Globalization;
using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Reads a matrix's <c>metrics</c>: <c>NAME: {tolerance: 0.02 | 5%, direction: higher | lower | equal}</c>, or just
/// <c>NAME: 0.02</c>. The direction defaults by metric: accuracies and tokens per second higher, losses and wall time
/// lower, steps and parameter counts equal. Without a <c>metrics</c> block: accuracy and final loss, tolerance 0.
/// </summary>
public static class MatrixToleranceReader
{
    /// <summary>The metrics compared when the matrix names none.</summary>
    public static IReadOnlyList<MetricTolerance> Defaults =>
    [
        new(MatrixMetrics.Accuracy, MetricDirection.Higher, 0, 0),
        new(MatrixMetrics.FinalLoss, MetricDirection.Lower, 0, 0),
    ];

    /// <summary>The direction a metric may move freely when the YAML does not say.</summary>
    /// <remarks>A stage's evaluation value goes as the value does (<c>pretrain.eval_loss</c> lower); steps to a target lower.</remarks>
    public static MetricDirection DefaultDirection(string metric) => (MatrixMetrics.StageMetric(metric) ?? metric) switch
    {
        var name when name.StartsWith(MetricTarget.ColumnPrefix, StringComparison.Ordinal) => MetricDirection.Lower,
        MatrixMetrics.TokensPerSecond => MetricDirection.Higher,
        MatrixMetrics.Steps or MatrixMetrics.TrainableParameters => MetricDirection.Equal,
        MatrixMetrics.EvalLoss or MatrixMetrics.FinalLoss or MatrixMetrics.WallSeconds => MetricDirection.Lower,
        _ => MetricDirection.Higher,
    };

    public static IReadOnlyList<MetricTolerance> Read(YamlConfigDocument document, ConfigNode node)
    {
        if (node.IsMissing) return Defaults;
        if (node.Node is not YamlMappingNode mapping || mapping.Children.Count == 0)
            throw node.ErrorAt($"metrics: expected a mapping of metric names to tolerances (metrics: {{accuracy: {{tolerance: 0.02}}}}), got {YamlNodeText.Describe(node.Node!)}");
        var tolerances = new List<MetricTolerance>();
        foreach (var (nameNode, value) in mapping.Children)
        {
            string name = (nameNode as YamlScalarNode)?.Value ?? "";
            if (!MatrixMetrics.IsKnown(name))
                throw document.ErrorAt(nameNode, $"metrics: unknown metric '{name}'{NameSuggestion.DidYouMean(name, [MatrixMetrics.Accuracy, .. MatrixMetrics.AfterCategories])}; " +
                    $"known: {MatrixMetrics.KnownForms}");
            YamlNode? toleranceNode = value;
            var direction = DefaultDirection(name);
            if (value is YamlMappingNode fields)
            {
                toleranceNode = null;
                foreach (var (k, v) in fields.Children)
                {
                    switch ((k as YamlScalarNode)?.Value)
                    {
                        case "tolerance": toleranceNode = v; break;
                        case "direction": direction = Direction(document, v, name); break;
                        default: throw document.ErrorAt(k, $"metrics.{name}: unknown key {YamlNodeText.Describe(k)}; a metric has 'tolerance' and 'direction'");
                    }
                }
                if (toleranceNode is null) throw document.ErrorAt(value, $"metrics.{name}: missing 'tolerance' (0 for none, 0.02, or 5%)");
            }
            var (absolute, relative) = Tolerance(document, toleranceNode, name);
            tolerances.Add(new MetricTolerance(name, direction, absolute, relative));
        }
        return tolerances;
    }

    private static MetricDirection Direction(YamlConfigDocument document, YamlNode node, string metric) => (node as YamlScalarNode)?.Value switch
    {
        "higher" => MetricDirection.Higher,
        "lower" => MetricDirection.Lower,
        "equal" => MetricDirection.Equal,
        _ => throw document.ErrorAt(node, $"metrics.{metric}.direction: expected higher, lower or equal, got {YamlNodeText.Describe(node)}"),
    };

    private static (double Absolute, double Relative) Tolerance(YamlConfigDocument document, YamlNode node, string metric)
    {
        string text = ((node as YamlScalarNode)?.Value ?? "").Trim();
        bool percent = text.EndsWith('%');
        string number = percent ? text[..^1].Trim() : text;
        if (node is not YamlScalarNode || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value < 0)
            throw document.ErrorAt(node, $"metrics.{metric}.tolerance: expected a number of at least 0 (0.02) or a percentage (5%), got {YamlNodeText.Describe(node)}");
        return percent ? (0, value / 100) : (value, 0);
    }
}
