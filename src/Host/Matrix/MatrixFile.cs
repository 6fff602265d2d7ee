using System.Text.RegularExpressions;
using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Reads a matrix YAML (docs/MATRIX.md) and expands it into cells: the product of the axes in axis order (the first
/// axis varies slowest), without the cells an <c>exclude</c> rule matches, then the <c>include</c> cells not already
/// there. Every problem is a <see cref="ConfigException"/> at its <c>file:line:column</c>.
/// </summary>
public static partial class MatrixFile
{
    /// <summary>Reads <paramref name="path"/>; <paramref name="outputDirectory"/> (when given) replaces its <c>output_dir</c>.</summary>
    public static MatrixDefinition Load(string path, string? outputDirectory = null)
    {
        var document = YamlConfigDocument.Load(path);
        var config = new OptionsBinder(document).Bind<MatrixConfig>(document.RootNode);
        if (config.Base.IsMissing) throw config.Base.ErrorAt("base: missing; name the pipeline YAML every cell starts from (base: pipeline.yaml), or write it inline as a mapping");
        if (config.Base.Node is not (YamlScalarNode or YamlMappingNode))
            throw config.Base.ErrorAt($"base: expected a pipeline YAML path or the pipeline as a mapping, got {YamlNodeText.Describe(config.Base.Node!)}");

        var axes = ReadAxes(document, config.Axes);
        var common = config.Set.IsMissing ? [] : ReadAssignments(document, config.Set, "set");
        var cells = Expand(document, axes, config.Exclude, config.Include);
        string baseDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        return new MatrixDefinition
        {
            Path = path, Document = document, Config = config, Axes = axes, Common = common, Cells = cells,
            OutputDirectory = System.IO.Path.GetFullPath(outputDirectory ?? System.IO.Path.Combine(baseDirectory, config.OutputDir)),
            Metrics = MatrixToleranceReader.Read(document, config.Metrics),
            Summary = SummarySettingsReader.Read(document, config.Summary, axes),
        };
    }

    private static List<MatrixAxis> ReadAxes(YamlConfigDocument document, ConfigNode node)
    {
        if (node.IsMissing) throw node.ErrorAt("axes: missing; give at least one axis (axes: {adapter: {key: model.adapters, values: {...}}})");
        if (node.Node is not YamlMappingNode mapping || mapping.Children.Count == 0)
            throw node.ErrorAt($"axes: expected a mapping of axis names to axes, got {YamlNodeText.Describe(node.Node!)}");
        var axes = new List<MatrixAxis>();
        foreach (var (nameNode, axisNode) in mapping.Children)
        {
            string name = NameOf(document, nameNode, "axes", "an axis name");
            if (axisNode is not YamlMappingNode axis)
                throw document.ErrorAt(axisNode, $"axes.{name}: expected a mapping with 'values' (and 'key'), got {YamlNodeText.Describe(axisNode)}");
            YamlNode? keyNode = null, valuesNode = null;
            foreach (var (k, v) in axis.Children)
            {
                string field = (k as YamlScalarNode)?.Value ?? "";
                if (field == "key") keyNode = v;
                else if (field == "values") valuesNode = v;
                else throw document.ErrorAt(k, $"axes.{name}: unknown key '{field}'; an axis has 'key' and 'values'");
            }
            if (valuesNode is null || YamlNodeText.IsNull(valuesNode)) throw document.ErrorAt(axis, $"axes.{name}: missing 'values'");
            string? key = null;
            if (keyNode is not null)
            {
                if (keyNode is not YamlScalarNode { Value: { Length: > 0 } keyText }) throw document.ErrorAt(keyNode, $"axes.{name}.key: expected a key path such as model.adapters");
                key = keyText;
            }
            var axisValues = ReadValues(document, name, keyNode, key, valuesNode);
            // Two axes setting one key would name cells by labels the later axis overrides.
            foreach (var assignment in axisValues.SelectMany(v => v.Assignments).DistinctBy(a => a.KeyPath))
            {
                var earlier = axes.FirstOrDefault(a => a.Values.SelectMany(v => v.Assignments).Any(e => e.KeyPath == assignment.KeyPath));
                if (earlier is not null)
                    throw document.ErrorAt(assignment.KeyNode, $"axes.{name}: the key {assignment.KeyPath} is already set by axis '{earlier.Name}'; " +
                        "one key belongs to one axis (merge the two, or give this one another key)");
            }
            axes.Add(new MatrixAxis(name, axisValues));
        }
        return axes;
    }

    private static List<MatrixAxisValue> ReadValues(YamlConfigDocument document, string axis, YamlNode? keyNode, string? key, YamlNode valuesNode)
    {
        var values = new List<MatrixAxisValue>();
        switch (valuesNode)
        {
            case YamlSequenceNode sequence:
                foreach (YamlNode item in sequence.Children)
                {
                    if (item is not YamlScalarNode scalar || YamlNodeText.IsNull(item))
                        throw document.ErrorAt(item, $"axes.{axis}.values: a list holds plain values only; give blocks a label (values: {{name: {{...}}}})");
                    string label = Label(document, item, scalar.Value!, axis);
                    values.Add(Value(document, axis, keyNode, key, label, item, item));
                }
                break;
            case YamlMappingNode mapping:
                foreach (var (labelNode, value) in mapping.Children)
                    values.Add(Value(document, axis, keyNode, key, NameOf(document, labelNode, $"axes.{axis}.values", "a label"), labelNode, value));
                break;
            default:
                throw document.ErrorAt(valuesNode, $"axes.{axis}.values: expected a list of values or a mapping of labels to values, got {YamlNodeText.Describe(valuesNode)}");
        }
        if (values.Count == 0) throw document.ErrorAt(valuesNode, $"axes.{axis}.values: empty; give at least one value");
        var repeated = values.GroupBy(v => v.Label).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw document.ErrorAt(repeated.Last().Node, $"axes.{axis}.values: the label '{repeated.Key}' appears twice");
        // Cell names are folder names: two labels that differ only by case would share a folder on some file systems.
        var alike = values.GroupBy(v => v.Label, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (alike is not null)
            throw document.ErrorAt(alike.Last().Node, $"axes.{axis}.values: the labels '{alike.First().Label}' and '{alike.Last().Label}' differ only by case; cell folders need labels that differ otherwise");
        return values;
    }

    private static MatrixAxisValue Value(YamlConfigDocument document, string axis, YamlNode? keyNode, string? key, string label, YamlNode labelNode, YamlNode value)
    {
        if (key is not null)
        {
            if (key == "run.output_dir" || key.StartsWith("run.output_dir.", StringComparison.Ordinal))
                throw document.ErrorAt(keyNode!, $"axes.{axis}.key: run.output_dir is chosen by the matrix (output_dir/cells/CELL); set the matrix's output_dir instead");
            return new MatrixAxisValue(label, labelNode, [new MatrixAssignment(key, value, keyNode!)]);
        }
        if (value is not YamlMappingNode)
            throw document.ErrorAt(value, $"axes.{axis}.values.{label}: an axis without 'key' needs each value to be a mapping of key paths to values, got {YamlNodeText.Describe(value)}");
        return new MatrixAxisValue(label, labelNode, ReadAssignments(document, new ConfigNode(document, $"axes.{axis}.values.{label}", value, null), $"axes.{axis}.values.{label}"));
    }

    /// <summary>A mapping of key paths to values (<c>set</c>, or an axis value without <c>key</c>).</summary>
    private static List<MatrixAssignment> ReadAssignments(YamlConfigDocument document, ConfigNode node, string where)
    {
        if (node.Node is not YamlMappingNode mapping)
            throw node.ErrorAt($"{where}: expected a mapping of key paths to values (stages.0.steps: 100), got {YamlNodeText.Describe(node.Node!)}");
        var assignments = new List<MatrixAssignment>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } path } || path.Split('.').Any(s => s.Length == 0))
                throw document.ErrorAt(keyNode, $"{where}: expected a key path such as stages.0.steps, got {YamlNodeText.Describe(keyNode)}");
            if (path == "run.output_dir" || path.StartsWith("run.output_dir.", StringComparison.Ordinal))
                throw document.ErrorAt(keyNode, $"{where}: run.output_dir is chosen by the matrix (output_dir/cells/CELL); set the matrix's output_dir instead");
            assignments.Add(new MatrixAssignment(path, value, keyNode));
        }
        return assignments;
    }

    private static List<MatrixCell> Expand(YamlConfigDocument document, List<MatrixAxis> axes, ConfigNode exclude, ConfigNode include)
    {
        var excludeRules = Rules(document, axes, exclude, "exclude", requireEveryAxis: false);
        var includeRules = Rules(document, axes, include, "include", requireEveryAxis: true);
        var chosen = new List<MatrixAxisValue[]>();
        foreach (var combination in Product(axes))
            if (!excludeRules.Any(rule => Matches(rule, combination))) chosen.Add(combination);
        foreach (var rule in includeRules)
        {
            var combination = axes.Select((axis, i) => axis.Values.First(v => v.Label == rule[i]![0])).ToArray();
            if (!chosen.Any(c => c.SequenceEqual(combination))) chosen.Add(combination);
        }
        if (chosen.Count == 0) throw exclude.ErrorAt("exclude: the rules drop every cell of the matrix");
        const int MaxCellNameBytes = 200;
        var tooLong = chosen.Select(c => string.Join(",", axes.Select((axis, i) => $"{axis.Name}={c[i].Label}")))
            .FirstOrDefault(name => System.Text.Encoding.UTF8.GetByteCount(name) > MaxCellNameBytes);
        if (tooLong is not null)
            throw document.ErrorAt(YamlLocator.Find(document.Root, "axes"), $"axes: the cell name '{tooLong[..60]}...' is longer than {MaxCellNameBytes} bytes, too long for a folder name; use shorter axis names or labels");
        return chosen.Select((combination, index) => new MatrixCell(
            index,
            string.Join(",", axes.Select((axis, i) => $"{axis.Name}={combination[i].Label}")),
            axes.Select((axis, i) => KeyValuePair.Create(axis.Name, combination[i].Label)).ToList(),
            combination.SelectMany(v => v.Assignments).ToList())).ToList();
    }

    private static IEnumerable<MatrixAxisValue[]> Product(List<MatrixAxis> axes)
    {
        IEnumerable<MatrixAxisValue[]> result = [[]];
        foreach (var axis in axes) result = result.SelectMany(prefix => axis.Values.Select(v => (MatrixAxisValue[])[.. prefix, v])).ToList();
        return result;
    }

    /// <summary>A cell matches a rule when, for every axis the rule names, the cell's label is one the rule lists.</summary>
    private static bool Matches(string[]?[] rule, MatrixAxisValue[] combination) =>
        rule.Select((labels, i) => labels is null || labels.Contains(combination[i].Label)).All(m => m);

    /// <summary>Each rule as the labels it allows per axis (<c>null</c>: any label).</summary>
    private static List<string[]?[]> Rules(YamlConfigDocument document, List<MatrixAxis> axes, ConfigNode node, string where, bool requireEveryAxis)
    {
        var rules = new List<string[]?[]>();
        if (node.IsMissing) return rules;
        if (node.Node is not YamlSequenceNode sequence) throw node.ErrorAt($"{where}: expected a list of rules ({where}: [{{axis: label, ...}}]), got {YamlNodeText.Describe(node.Node!)}");
        for (int r = 0; r < sequence.Children.Count; r++)
        {
            if (sequence.Children[r] is not YamlMappingNode mapping || mapping.Children.Count == 0)
                throw document.ErrorAt(sequence.Children[r], $"{where}[{r}]: expected a mapping of axis names to labels, got {YamlNodeText.Describe(sequence.Children[r])}");
            var rule = new string[]?[axes.Count];
            foreach (var (axisNode, labelNode) in mapping.Children)
            {
                string axisName = (axisNode as YamlScalarNode)?.Value ?? "";
                int index = axes.FindIndex(a => a.Name == axisName);
                if (index < 0)
                    throw document.ErrorAt(axisNode, $"{where}[{r}]: unknown axis '{axisName}'{NameSuggestion.DidYouMean(axisName, axes.Select(a => a.Name))}; axes: {string.Join(", ", axes.Select(a => a.Name))}");
                var labelNodes = labelNode is YamlSequenceNode list && !requireEveryAxis ? list.Children.ToList() : [labelNode];
                if (labelNodes.Count == 0) throw document.ErrorAt(labelNode, $"{where}[{r}]: axis '{axisName}' lists no label; a rule with an empty list matches nothing");
                var labels = new List<string>();
                foreach (YamlNode item in labelNodes)
                {
                    string label = (item as YamlScalarNode)?.Value ?? "";
                    var known = axes[index].Values.Select(v => v.Label).ToList();
                    if (!known.Contains(label))
                        throw document.ErrorAt(item, $"{where}[{r}]: axis '{axisName}' has no label {YamlNodeText.Describe(item)}{NameSuggestion.DidYouMean(label, known)}; its labels: {string.Join(", ", known)}");
                    labels.Add(label);
                }
                rule[index] = [.. labels];
            }
            if (requireEveryAxis && rule.Any(l => l is null))
                throw document.ErrorAt(mapping, $"{where}[{r}]: an included cell names a label for every axis; missing: {string.Join(", ", axes.Where((_, i) => rule[i] is null).Select(a => a.Name))}");
            rules.Add(rule);
        }
        return rules;
    }

    private static string NameOf(YamlConfigDocument document, YamlNode node, string where, string what)
    {
        string text = (node as YamlScalarNode)?.Value ?? "";
        if (!NamePattern().IsMatch(text))
            throw document.ErrorAt(node, $"{where}: {YamlNodeText.Describe(node)} is not usable as {what}; use letters, digits, '_', '-' and '.'");
        return text;
    }

    private static string Label(YamlConfigDocument document, YamlNode node, string text, string axis) =>
        NamePattern().IsMatch(text) ? text
            : throw document.ErrorAt(node, $"axes.{axis}.values: {YamlNodeText.Describe(node)} is not usable as a label in a cell name; give the values labels (values: {{name: value}})");

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,64}$")]
    private static partial Regex NamePattern();
}
