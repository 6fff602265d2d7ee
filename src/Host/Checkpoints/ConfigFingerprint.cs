using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// The training-relevant configuration of a run, flattened to <c>key.path = value</c> pairs of the bound options
/// (defaults included, so writing a default explicitly changes nothing), and its SHA-256. It covers <c>model</c>
/// (with every encoder's and adapter's bound plugin options and the frozen weights' <c>dtype</c> and <c>dtypes</c>),
/// <c>data</c>, <c>stages</c> and <c>run.seed</c>; it leaves out what may change between a run and its resumption
/// without changing the numbers: <c>run.output_dir</c>, <c>device</c>, <c>threads</c>, <c>log_every</c>,
/// <c>tensorboard</c>, <c>checkpoint</c>, <c>on_non_finite</c>, <c>max_consecutive_skips</c>,
/// <c>data.prefetch_batches</c> (batches are the same prepared ahead or not), <c>data.cache_dir</c> and the plugin
/// search directories. A scheduler choice the YAML leaves out (a stage's <c>scheduler</c>, commit's <c>base</c>) is
/// recorded as <c>options = null</c>, as it was before its default options were bound at load, so checkpoints written
/// then still resume. An adapter's <c>lr_scale</c> and <c>weight_decay</c> are recorded only when they change something
/// (a scale other than 1, a decay set), so configurations without them keep the fingerprint they had before those keys
/// existed.
/// </summary>
public sealed class ConfigFingerprint
{
    private const int MaxDepth = 16;

    private ConfigFingerprint(IReadOnlyDictionary<string, string> values)
    {
        Values = values;
        Hash = HashOf(values);
    }

    /// <summary>Every flattened key and its value, ordered by key.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The SHA-256 of <see cref="Values"/>, lower-case hex.</summary>
    public string Hash { get; }

    /// <summary>The fingerprint of a loaded pipeline.</summary>
    public static ConfigFingerprint Of(PipelineDefinition definition)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var config = definition.Config;
        values["run.seed"] = config.Run.Seed.ToString(CultureInfo.InvariantCulture);
        Flatten(values, "model.llm", config.Model.Llm, 0);
        Flatten(values, "model.projector", config.Model.Projector, 0);
        values["model.dtype"] = SnakeCase.FromPascalCase(config.Model.Dtype.ToString());
        foreach (var (component, dtype) in config.Model.Dtypes) values[$"model.dtypes.{component}"] = SnakeCase.FromPascalCase(dtype.ToString());
        foreach (var encoder in definition.Encoders)
        {
            values[$"model.encoders.{encoder.InstanceName}.plugin"] = encoder.PluginName;
            Flatten(values, $"model.encoders.{encoder.InstanceName}.options", encoder.Options, 0);
        }
        for (int i = 0; i < definition.Adapters.Count; i++)
        {
            var adapter = definition.Adapters[i];
            values[$"model.adapters[{i}].name"] = adapter.InstanceName;
            values[$"model.adapters[{i}].plugin"] = adapter.PluginName;
            Flatten(values, $"model.adapters[{i}].options", adapter.Options, 0);
            AdapterBlock block = config.Model.Adapters[i];
            if (block.LrScale != 1) values[$"model.adapters[{i}].lr_scale"] = block.LrScale.ToString("R", CultureInfo.InvariantCulture);
            if (block.WeightDecay is { } decay) values[$"model.adapters[{i}].weight_decay"] = decay.ToString("R", CultureInfo.InvariantCulture);
        }
        Flatten(values, "data", config.Data, 0);
        values.Remove("data.prefetch_batches");
        values.Remove("data.cache_dir");
        RemoveDefaultedSyntheticTaskKeys(values, config.Data.Synthetic);
        Flatten(values, "stages", config.Stages, 0);
        return new ConfigFingerprint(values);
    }

    /// <summary>
    /// Drops the synthetic data's task keys (<c>task</c>, <c>categories</c>, ...) left at their defaults, so a
    /// configuration that does not use them keeps the fingerprint it had before they existed.
    /// </summary>
    private static void RemoveDefaultedSyntheticTaskKeys(IDictionary<string, string> values, Pipeline.Host.Data.SyntheticDataOptions synthetic)
    {
        if (synthetic.Task == Pipeline.Host.Data.SyntheticTask.Instructions) values.Remove("data.synthetic.task");
        if (!synthetic.TextQuestionsInPretrain) values.Remove("data.synthetic.text_questions_in_pretrain");
        foreach (var (key, list) in new[]
                 {
                     ("categories", synthetic.Categories), ("train_categories", synthetic.TrainCategories),
                     ("image_questions", synthetic.ImageQuestions), ("caption_properties", synthetic.CaptionProperties),
                     ("domains", synthetic.Domains),
                 })
        {
            if (list is null) values.Remove($"data.synthetic.{key}");
        }
    }

    /// <summary>A fingerprint of values stored in a checkpoint.</summary>
    public static ConfigFingerprint FromValues(IReadOnlyDictionary<string, string> values) =>
        new(new SortedDictionary<string, string>(values.ToDictionary(), StringComparer.Ordinal));

    /// <summary>
    /// The keys whose values differ, as <c>key: A in the checkpoint, B now</c> lines (absent keys shown as
    /// <c>(absent)</c>), ordered by key; empty when the fingerprints are equal.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(ConfigFingerprint checkpoint)
    {
        var keys = checkpoint.Values.Keys.Union(Values.Keys).Order(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (string key in keys)
        {
            string? before = checkpoint.Values.GetValueOrDefault(key);
            string? now = Values.GetValueOrDefault(key);
            if (before != now) differences.Add($"{key}: {Show(before)} in the checkpoint, {Show(now)} now");
        }
        return differences;
    }

    private static string Show(string? value) => value is null ? "(absent)" : YamlNodeText.Quote(value);

    private static void Flatten(IDictionary<string, string> values, string key, object? value, int depth)
    {
        if (depth > MaxDepth) throw new InvalidOperationException($"configuration nested deeper than {MaxDepth} levels at '{key}'");
        switch (value)
        {
            case null:
                values[key] = "null";
                return;
            case string text:
                values[key] = text;
                return;
            case Enum choice:
                values[key] = SnakeCase.FromPascalCase(choice.ToString());
                return;
            case bool flag:
                values[key] = flag ? "true" : "false";
                return;
            case double number:
                values[key] = number.ToString("R", CultureInfo.InvariantCulture);
                return;
            case float number:
                values[key] = number.ToString("R", CultureInfo.InvariantCulture);
                return;
            case IFormattable formattable when value.GetType().IsPrimitive || value is decimal:
                values[key] = formattable.ToString(null, CultureInfo.InvariantCulture);
                return;
            case PluginSelection selection when DefaultedSelections.IsDefaulted(selection):
                values[$"{key}.plugin"] = selection.Plugin;
                values[$"{key}.options"] = "null";
                return;
            case ConfigNode node:
                Flatten(values, key, node.Node, depth + 1);
                return;
            case YamlScalarNode scalar:
                values[key] = YamlNodeText.IsNull(scalar) ? "null" : scalar.Value ?? "";
                return;
            case YamlMappingNode mapping:
                if (mapping.Children.Count == 0) values[key] = "{}";
                foreach (var (name, child) in mapping.Children) Flatten(values, $"{key}.{(name as YamlScalarNode)?.Value ?? name.ToString()}", child, depth + 1);
                return;
            case YamlSequenceNode sequence:
                if (sequence.Children.Count == 0) values[key] = "[]";
                for (int i = 0; i < sequence.Children.Count; i++) Flatten(values, $"{key}[{i}]", sequence.Children[i], depth + 1);
                return;
            case IDictionary dictionary:
                if (dictionary.Count == 0) values[key] = "{}";
                foreach (DictionaryEntry entry in dictionary) Flatten(values, $"{key}.{entry.Key}", entry.Value, depth + 1);
                return;
            case IEnumerable items:
                int index = 0;
                foreach (object? item in items) Flatten(values, $"{key}[{index++}]", item, depth + 1);
                if (index == 0) values[key] = "[]";
                return;
        }
        foreach (var (name, property) in OptionsTypeShape.Of(value.GetType()).Properties)
            Flatten(values, $"{key}.{name}", property.Property.GetValue(value), depth + 1);
    }

    private static string HashOf(IReadOnlyDictionary<string, string> values)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) text.Append(key).Append('=').Append(value).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
