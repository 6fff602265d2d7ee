using System.Globalization;
using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Reads a matrix's <c>summary</c> (docs/MATRIX.md, Summaries over repeats): <c>over</c> (axes, required), <c>best</c>
/// (<c>{axis, metric, direction}</c>), <c>targets</c> (<c>METRIC: VALUE</c> or a list of values) and <c>curves</c>
/// (<c>metrics.jsonl</c> keys). Every problem is a <see cref="ConfigException"/> at its place in the matrix file.
/// </summary>
public static class SummarySettingsReader
{
    /// <summary>The settings, or <c>null</c> when the matrix has no <c>summary</c>.</summary>
    public static SummarySettings? Read(YamlConfigDocument document, ConfigNode node, IReadOnlyList<MatrixAxis> axes)
    {
        if (node.IsMissing) return null;
        if (node.Node is not YamlMappingNode mapping)
            throw node.ErrorAt($"summary: expected a mapping with 'over' (summary: {{over: [seed]}}), got {YamlNodeText.Describe(node.Node!)}");
        YamlNode? over = null, best = null, targets = null, curves = null;
        foreach (var (key, value) in mapping.Children)
        {
            switch ((key as YamlScalarNode)?.Value)
            {
                case "over": over = value; break;
                case "best": best = value; break;
                case "targets": targets = value; break;
                case "curves": curves = value; break;
                default: throw document.ErrorAt(key, $"summary: unknown key {YamlNodeText.Describe(key)}; a summary has 'over', 'best', 'targets' and 'curves'");
            }
        }
        if (over is null || YamlNodeText.IsNull(over))
            throw document.ErrorAt(mapping, "summary: missing 'over'; name the axes whose cells are repeats (over: [seed])");
        var overAxes = Over(document, over, axes);
        var targetList = targets is null || YamlNodeText.IsNull(targets) ? [] : Targets(document, targets);
        return new SummarySettings
        {
            Over = overAxes,
            Best = best is null || YamlNodeText.IsNull(best) ? null : Best(document, best, axes, overAxes, targetList),
            Targets = targetList,
            Curves = curves is null || YamlNodeText.IsNull(curves) ? [] : Curves(document, curves),
        };
    }

    private static List<string> Over(YamlConfigDocument document, YamlNode node, IReadOnlyList<MatrixAxis> axes)
    {
        var items = node is YamlSequenceNode sequence ? sequence.Children.ToList() : [node];
        if (items.Count == 0) throw document.ErrorAt(node, "summary.over: empty; name at least one axis whose cells are repeats (over: [seed])");
        var names = new List<string>();
        for (int i = 0; i < items.Count; i++)
        {
            string where = node is YamlSequenceNode ? $"summary.over[{i}]" : "summary.over";
            string name = AxisName(document, items[i], where, axes);
            if (names.Contains(name)) throw document.ErrorAt(items[i], $"{where}: the axis '{name}' is named twice");
            names.Add(name);
        }
        return names;
    }

    private static string AxisName(YamlConfigDocument document, YamlNode node, string where, IReadOnlyList<MatrixAxis> axes)
    {
        string name = (node as YamlScalarNode)?.Value ?? "";
        var known = axes.Select(a => a.Name).ToList();
        if (node is not YamlScalarNode || !known.Contains(name))
            throw document.ErrorAt(node, $"{where}: unknown axis {YamlNodeText.Describe(node)}{NameSuggestion.DidYouMean(name, known)}; axes: {string.Join(", ", known)}");
        return name;
    }

    private static BestLabelChoice Best(YamlConfigDocument document, YamlNode node, IReadOnlyList<MatrixAxis> axes, List<string> over, List<MetricTarget> targets)
    {
        if (node is not YamlMappingNode mapping)
            throw document.ErrorAt(node, $"summary.best: expected a mapping (best: {{axis: lr, metric: accuracy}}), got {YamlNodeText.Describe(node)}");
        YamlNode? axisNode = null, metricNode = null, directionNode = null;
        foreach (var (key, value) in mapping.Children)
        {
            switch ((key as YamlScalarNode)?.Value)
            {
                case "axis": axisNode = value; break;
                case "metric": metricNode = value; break;
                case "direction": directionNode = value; break;
                default: throw document.ErrorAt(key, $"summary.best: unknown key {YamlNodeText.Describe(key)}; best has 'axis', 'metric' and 'direction'");
            }
        }
        if (axisNode is null) throw document.ErrorAt(mapping, "summary.best: missing 'axis'; name the axis to choose the best label of (axis: lr)");
        if (metricNode is null) throw document.ErrorAt(mapping, "summary.best: missing 'metric'; name the results column whose mean decides (metric: accuracy)");
        string axis = AxisName(document, axisNode, "summary.best.axis", axes);
        if (over.Contains(axis))
            throw document.ErrorAt(axisNode, $"summary.best.axis: '{axis}' is an axis the summary averages over (summary.over); choose another axis");
        string metric = (metricNode as YamlScalarNode)?.Value ?? "";
        var targetColumns = targets.Select(t => t.Column).ToList();
        bool isTarget = metric.StartsWith(MetricTarget.ColumnPrefix, StringComparison.Ordinal);
        if (metricNode is not YamlScalarNode || !MatrixMetrics.IsKnown(metric) || (isTarget && !targetColumns.Contains(metric)))
        {
            string targetsKnown = targetColumns.Count == 0 ? "no summary.targets, so no steps_to_ column" : "the targets' columns " + string.Join(", ", targetColumns);
            throw document.ErrorAt(metricNode, $"summary.best.metric: {YamlNodeText.Describe(metricNode)} is not a results column" +
                $"{NameSuggestion.DidYouMean(metric, [MatrixMetrics.Accuracy, .. MatrixMetrics.AfterCategories, .. targetColumns])}; " +
                $"columns: {MatrixMetrics.Accuracy}, {MatrixMetrics.AccuracyPrefix}CATEGORY, {string.Join(", ", MatrixMetrics.AfterCategories)}, " +
                $"STAGE.{MatrixMetrics.Accuracy}, STAGE.{MatrixMetrics.AccuracyPrefix}CATEGORY, STAGE.{MatrixMetrics.EvalLoss}, and {targetsKnown}");
        }
        var direction = MatrixToleranceReader.DefaultDirection(metric);
        if (directionNode is not null)
        {
            direction = (directionNode as YamlScalarNode)?.Value switch
            {
                "higher" => MetricDirection.Higher,
                "lower" => MetricDirection.Lower,
                _ => throw document.ErrorAt(directionNode, $"summary.best.direction: expected higher or lower, got {YamlNodeText.Describe(directionNode)}"),
            };
        }
        else if (direction == MetricDirection.Equal)
            throw document.ErrorAt(metricNode, $"summary.best.metric: {metric} is neither better higher nor lower; give direction: higher or lower");
        return new BestLabelChoice
        {
            Axis = axis, Metric = metric, Direction = direction == MetricDirection.Lower ? "lower" : "higher",
            Labels = axes.First(a => a.Name == axis).Values.Select(v => v.Label).ToList(),
        };
    }

    private static List<MetricTarget> Targets(YamlConfigDocument document, YamlNode node)
    {
        if (node is not YamlMappingNode mapping || mapping.Children.Count == 0)
            throw document.ErrorAt(node, $"summary.targets: expected a mapping of evaluation metrics to values (targets: {{accuracy: 0.8}}), got {YamlNodeText.Describe(node)}");
        var targets = new List<MetricTarget>();
        foreach (var (key, value) in mapping.Children)
        {
            string metric = (key as YamlScalarNode)?.Value ?? "";
            if (key is not YamlScalarNode || !MatrixMetrics.IsEvaluation(metric))
                throw document.ErrorAt(key, $"summary.targets: {YamlNodeText.Describe(key)} is not a value of the evaluations" +
                    $"{NameSuggestion.DidYouMean(metric, [MatrixMetrics.Accuracy, MatrixMetrics.EvalLoss])}; " +
                    $"targets name {MatrixMetrics.Accuracy}, {MatrixMetrics.AccuracyPrefix}CATEGORY or {MatrixMetrics.EvalLoss}");
            var values = value is YamlSequenceNode list && list.Children.Count > 0 ? list.Children.ToList() : [value];
            foreach (var item in values)
            {
                if (item is not YamlScalarNode { Value: { } text } || YamlNodeText.IsNull(item)
                    || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
                    throw document.ErrorAt(item, $"summary.targets.{metric}: expected a number (0.8) or a list of numbers, got {YamlNodeText.Describe(item)}");
                var target = new MetricTarget(metric, number);
                if (!targets.Contains(target)) targets.Add(target);
            }
        }
        return targets;
    }

    private static List<string> Curves(YamlConfigDocument document, YamlNode node)
    {
        var items = node is YamlSequenceNode sequence ? sequence.Children.ToList() : [node];
        var curves = new List<string>();
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is not YamlScalarNode { Value: { Length: > 0 } key } || YamlNodeText.IsNull(items[i]) || key is "kind" or "stage" or "step")
                throw document.ErrorAt(items[i], $"summary.curves[{i}]: expected a numeric key of metrics.jsonl (accuracy, loss, eval_loss, a schedule's value), got {YamlNodeText.Describe(items[i])}");
            if (!curves.Contains(key)) curves.Add(key);
        }
        return curves;
    }
}
