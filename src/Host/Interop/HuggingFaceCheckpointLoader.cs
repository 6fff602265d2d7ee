using System.Text.Json;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Interop;
using Pipeline.Host.IO;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// Loads a Hugging Face checkpoint directory into one component whose module mirrors the Hugging Face model
/// (<see cref="IHuggingFaceLayout"/>): checks <c>config.json</c>, maps checkpoint keys to module keys by the layout's
/// prefix, checks every shape, reports missing, unexpected and unused keys, and copies the tensors in, converted to
/// the module's element type (F16 and BF16 become F32).
/// </summary>
public static class HuggingFaceCheckpointLoader
{
    /// <summary>The configuration file every Hugging Face model directory holds.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>How many keys of one kind an error lists before "(and N more)".</summary>
    private const int ListedKeys = 20;

    /// <summary>
    /// Loads <paramref name="directory"/> into <paramref name="component"/>. With <paramref name="readTensors"/> false
    /// (a model on the meta device) only names, shapes and <c>config.json</c> are checked.
    /// </summary>
    /// <param name="component">The component; it must implement <see cref="IHuggingFaceLayout"/>.</param>
    /// <param name="directory">The checkpoint directory, absolute.</param>
    /// <param name="strict">Whether missing and unexpected keys are errors (they are reported either way).</param>
    /// <param name="readTensors">Whether to copy the tensors in.</param>
    /// <param name="optionsKey">Where the component's options live in the YAML, for messages (<c>model.llm</c>).</param>
    /// <exception cref="WeightsMismatchException">The checkpoint does not fit; the message lists every problem.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt.</exception>
    public static WeightsLoadReport Load(IAdaptableComponent component, string directory, bool strict, bool readTensors, string optionsKey)
    {
        if (component is not IHuggingFaceLayout layout)
            throw new WeightsMismatchException(
                $"component '{component.Name}' does not declare a Hugging Face layout ({nameof(IHuggingFaceLayout)}), so it cannot load checkpoints");
        if (!Directory.Exists(directory)) throw new WeightsMismatchException($"'{directory}' does not exist");

        using var config = ReadConfig(directory);
        var mismatches = layout.CheckConfig(config.RootElement);
        if (mismatches.Count > 0)
            throw new WeightsMismatchException(
                $"'{Path.Combine(directory, ConfigFileName)}' does not match {optionsKey}:" + string.Concat(mismatches.Select(m => "\n  " + m)));

        using var checkpoint = TransientFileRetry.Default.Execute(() => SafetensorsCheckpoint.Open(directory));
        var entries = checkpoint.Entries;
        var targets = component.Module.state_dict();
        string prefix = ChoosePrefix(component.Name, layout.KeyPrefixes, targets.Keys, entries.Keys, directory);
        var tiedKeys = layout.TiedKeys(config.RootElement);

        var plan = new List<(string ModuleKey, string CheckpointKey)>();
        var tied = new List<string>();
        var missing = new List<string>();
        foreach (string key in targets.Keys)
        {
            if (entries.ContainsKey(prefix + key)) plan.Add((key, prefix + key));
            else if (tiedKeys.TryGetValue(key, out string? source) && entries.ContainsKey(prefix + source))
            {
                plan.Add((key, prefix + source));
                tied.Add(key);
            }
            else missing.Add(key);
        }
        var consumed = plan.Select(p => p.CheckpointKey).ToHashSet(StringComparer.Ordinal);
        var unusedPatterns = layout.UnusedKeys.Select(p => new KeyPattern(p)).ToList();
        var leftOver = entries.Keys.Where(k => !consumed.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var unused = leftOver.Where(k => unusedPatterns.Any(p => p.IsMatch(k))).ToList();
        var unexpected = leftOver.Except(unused).ToList();

        var shapes = plan
            .Where(p => !entries[p.CheckpointKey].Shape.SequenceEqual(targets[p.ModuleKey].shape))
            .Select(p => $"shape: {p.CheckpointKey} is {Shape(entries[p.CheckpointKey].Shape)} in the checkpoint, {p.ModuleKey} is {Shape(targets[p.ModuleKey].shape)} in the model")
            .ToList();
        var problems = new List<string>(shapes);
        if (strict)
        {
            if (missing.Count > 0) problems.Add("missing: " + WeightsMismatchException.Abbreviate(missing, ListedKeys));
            if (unexpected.Count > 0) problems.Add("unexpected: " + WeightsMismatchException.Abbreviate(unexpected, ListedKeys));
        }
        if (problems.Count > 0)
        {
            string hint = shapes.Count == 0 ? "\n  (set strict: false to load it anyway: missing tensors keep their initialisation, unexpected ones are ignored)" : "";
            string under = prefix.Length > 0 ? $" (tensors under '{prefix}')" : "";
            throw new WeightsMismatchException(
                $"'{directory}' does not fit component '{component.Name}'{under}:" + string.Concat(problems.Select(p => "\n  " + p)) + hint);
        }

        if (readTensors) Copy(checkpoint, plan, targets);
        return new WeightsLoadReport
        {
            Component = component.Name, Directory = directory, Prefix = prefix,
            Loaded = plan.Select(p => p.ModuleKey).ToList(), Tied = tied, Missing = missing, Unexpected = unexpected, Unused = unused,
            ConvertedFrom = plan
                .Select(p => (Stored: entries[p.CheckpointKey].DType, Module: targets[p.ModuleKey].dtype))
                .Where(t => SafetensorsDTypes.ToScalarType(t.Stored) != t.Module)
                .Select(t => SafetensorsDTypes.HeaderName(t.Stored)).Distinct().Order(StringComparer.Ordinal).ToList(),
            TensorsRead = readTensors,
        };
    }

    /// <summary>Reads and parses <c>config.json</c> of <paramref name="directory"/>.</summary>
    /// <exception cref="WeightsMismatchException">It is missing or not a JSON object.</exception>
    public static JsonDocument ReadConfig(string directory)
    {
        string path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path))
            throw new WeightsMismatchException(
                $"'{directory}' has no {ConfigFileName}; a Hugging Face checkpoint directory holds {ConfigFileName} and model.safetensors (or its shards and model.safetensors.index.json)");
        string text = TransientFileRetry.Default.Execute(() => File.ReadAllText(path));
        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
            document.Dispose();
        }
        catch (JsonException e)
        {
            throw new WeightsMismatchException($"'{path}' is not valid JSON: {e.Message}");
        }
        throw new WeightsMismatchException($"'{path}' is not a JSON object");
    }

    // The prefix under which the checkpoint holds most of the module's keys; the layout's order breaks ties.
    private static string ChoosePrefix(string component, IReadOnlyList<string> prefixes, IEnumerable<string> moduleKeys,
        IEnumerable<string> checkpointKeys, string directory)
    {
        var keys = moduleKeys.ToList();
        var present = checkpointKeys.ToHashSet(StringComparer.Ordinal);
        var best = prefixes.Select((p, i) => (Prefix: p, Index: i, Count: keys.Count(k => present.Contains(p + k))))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Index).FirstOrDefault();
        if (best.Count > 0) return best.Prefix;
        throw new WeightsMismatchException(
            $"'{directory}' holds none of component '{component}''s tensors under its prefixes ({string.Join(", ", prefixes.Select(p => $"'{p}'"))}); " +
            $"its first keys are: {WeightsMismatchException.Abbreviate(present.Order(StringComparer.Ordinal).ToList(), 5)}");
    }

    // One tensor at a time, each inside the finalizer fence and its own dispose scope: a multi-gigabyte checkpoint
    // never sits in memory twice, and no TorchSharp finalizer runs during the native copy.
    private static void Copy(SafetensorsCheckpoint checkpoint, IEnumerable<(string ModuleKey, string CheckpointKey)> plan,
        IReadOnlyDictionary<string, Tensor> targets)
    {
        foreach (var (moduleKey, checkpointKey) in plan)
        {
            Tensor target = targets[moduleKey];
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor stored = TransientFileRetry.Default.Execute(() => checkpoint.Read(checkpointKey, target.dtype));
            target.copy_(stored);
        }
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
