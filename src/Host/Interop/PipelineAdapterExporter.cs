using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// This project's own adapter format, for every adapter plugin (MoLE, MMA, LoRA, third-party ones): a directory with
/// <c>adapter_model.safetensors</c>, holding every tensor the adapters added under its model state-dict key
/// (<c>llm.model.layers.0.self_attn.q_proj.lora.lora_A.weight</c>: component prefix, site path, adapter name, the
/// adapter module's own path), and <c>pipeline_adapter.json</c>, naming each adapter's plugin, version and options
/// (under their YAML keys), its sites and its tensors with their shapes. docs/INTEROP.md describes it.
/// </summary>
public static class PipelineAdapterExporter
{
    /// <summary>The manifest.</summary>
    public const string ManifestFileName = "pipeline_adapter.json";

    /// <summary>The tensors.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>The value of the manifest's <c>format</c> field.</summary>
    public const string FormatName = "pipeline-adapters";

    /// <summary>The manifest layout version.</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes <paramref name="adapters"/> of <paramref name="built"/> into <paramref name="directory"/>; returns the files written.</summary>
    /// <param name="built">The model, its trained weights loaded.</param>
    /// <param name="definition">The pipeline the model was built from (plugin names, versions and options).</param>
    /// <param name="adapters">The adapters to write, by instance name.</param>
    /// <param name="directory">The export directory.</param>
    /// <param name="floatType">The stored element type of floating-point tensors.</param>
    public static IReadOnlyList<string> Write(BuiltModel built, PipelineDefinition definition, IReadOnlyList<string> adapters,
        string directory, SafetensorsDType floatType = SafetensorsDType.F32)
    {
        var state = built.Model.state_dict();
        var entries = new JsonArray();
        var tensors = new List<(string Name, Tensor Tensor)>();
        foreach (string name in adapters)
        {
            var adapter = built.Adapters.First(a => a.Name == name);
            var configured = definition.Adapters.First(a => a.InstanceName == name);
            var descriptor = definition.Catalog.Describe(PluginKind.Adapter, configured.PluginName);
            var keys = AdapterKeys.Of(built, name);
            tensors.AddRange(keys.Select(k => (k, state[k])));
            entries.Add(new JsonObject
            {
                ["name"] = name,
                ["plugin"] = configured.PluginName,
                ["plugin_version"] = descriptor.Version,
                ["options"] = OptionsJson.ToJson(configured.Options),
                ["can_merge"] = adapter.CanMerge,
                ["sites"] = new JsonArray(adapter.AttachedSites.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["tensors"] = new JsonObject(keys.Select(k => KeyValuePair.Create(k, (JsonNode?)new JsonArray(state[k].shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray())))),
            });
        }
        var manifest = new JsonObject
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion,
            ["contract_version"] = $"{ContractVersion.Major}.{ContractVersion.Minor}",
            ["adapters"] = entries,
        };

        Directory.CreateDirectory(directory);
        string manifestPath = Path.Combine(directory, ManifestFileName);
        string weightsPath = Path.Combine(directory, WeightsFileName);
        string json = manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        TransientFileRetry.Default.Execute(() => File.WriteAllText(manifestPath, json + "\n"));
        using (no_grad())
        {
            TransientFileRetry.Default.Execute(() => SafetensorsWriter.Write(weightsPath, tensors, floatType,
                new Dictionary<string, string> { ["format"] = "pt" }));
        }
        return [manifestPath, weightsPath];
    }

    /// <summary>
    /// Reads a directory written by <see cref="Write"/> into <paramref name="built"/>, whose YAML must attach the same
    /// adapters (names and plugins); every tensor must exist in the model with its shape, and every tensor of those
    /// adapters must be in the file. Returns the keys read.
    /// </summary>
    /// <exception cref="InvalidDataException">The directory does not fit the model's adapters.</exception>
    public static IReadOnlyList<string> Read(BuiltModel built, PipelineDefinition definition, string directory)
    {
        string manifestPath = Path.Combine(directory, ManifestFileName);
        using var manifest = JsonDocument.Parse(TransientFileRetry.Default.Execute(() => File.ReadAllText(manifestPath)));
        if (manifest.RootElement.GetProperty("format").GetString() != FormatName)
            throw new InvalidDataException($"'{manifestPath}' is not a {FormatName} manifest");
        var expected = new List<string>();
        foreach (var entry in manifest.RootElement.GetProperty("adapters").EnumerateArray())
        {
            string name = entry.GetProperty("name").GetString()!, plugin = entry.GetProperty("plugin").GetString()!;
            var configured = definition.Adapters.FirstOrDefault(a => a.InstanceName == name);
            if (configured is null || configured.PluginName != plugin)
                throw new InvalidDataException($"'{manifestPath}' holds adapter '{name}' (plugin {plugin}), which the YAML does not attach");
            expected.AddRange(AdapterKeys.Of(built, name));
        }

        var state = built.Model.state_dict();
        string weightsPath = Path.Combine(directory, WeightsFileName);
        using var file = TransientFileRetry.Default.Execute(() => SafetensorsFile.Open(weightsPath));
        var missing = expected.Where(k => !file.Entries.ContainsKey(k)).ToList();
        var unexpected = file.Entries.Keys.Where(k => !expected.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var shapes = expected.Where(k => file.Entries.TryGetValue(k, out var e) && !e.Shape.SequenceEqual(state[k].shape)).ToList();
        if (missing.Count + unexpected.Count + shapes.Count > 0)
            throw new InvalidDataException($"'{weightsPath}' does not fit the model's adapters:" +
                (missing.Count > 0 ? "\n  missing: " + WeightsMismatchException.Abbreviate(missing, 10) : "") +
                (unexpected.Count > 0 ? "\n  unexpected: " + WeightsMismatchException.Abbreviate(unexpected, 10) : "") +
                (shapes.Count > 0 ? "\n  other shape: " + WeightsMismatchException.Abbreviate(shapes, 10) : ""));
        foreach (string key in expected)
        {
            Tensor target = state[key];
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            target.copy_(TransientFileRetry.Default.Execute(() => file.Read(key, target.dtype)));
        }
        return expected;
    }
}
