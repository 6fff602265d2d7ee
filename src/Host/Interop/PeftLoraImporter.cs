using System.Text.Json;
using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// Reads a PEFT LoRA directory (<c>adapter_config.json</c> and <c>adapter_model.safetensors</c>) into a LoRA or DoRA adapter
/// attached to one component: the inverse of <see cref="PeftLoraExporter"/>, and a way to start from adapters trained with
/// PEFT when the YAML attaches an adapter of the same kind (<c>use_dora</c>), rank, scale and targets.
/// </summary>
public static class PeftLoraImporter
{
    /// <summary>
    /// Copies the PEFT tensors of <paramref name="directory"/> into adapter <paramref name="adapterName"/>'s parameters in
    /// <paramref name="component"/> and returns how many tensors were read.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The directory is not a PEFT LoRA adapter, or its use of DoRA, rank, scale or keys differ from the attached adapter's.
    /// </exception>
    public static int Load(BuiltModel built, string adapterName, string component, string directory)
    {
        var adapter = built.Adapters.FirstOrDefault(a => a.Name == adapterName)
            ?? throw new InvalidDataException($"the model has no adapter '{adapterName}'");
        var sites = LowRankSites.Of(built, adapter, adapterName).FirstOrDefault(s => s.Component == component)
            ?? throw new InvalidDataException($"adapter '{adapterName}' adapts nothing in component '{component}'");

        string configPath = Path.Combine(directory, PeftLoraExporter.ConfigFileName);
        using var config = JsonDocument.Parse(TransientFileRetry.Default.Execute(() => File.ReadAllText(configPath)));
        var root = config.RootElement;
        string Field(string name) => root.TryGetProperty(name, out var value) ? value.GetRawText() : "absent";
        if (Field("peft_type") != "\"LORA\"") throw new InvalidDataException($"'{configPath}': peft_type is {Field("peft_type")}, expected \"LORA\"");
        foreach (string flag in new[] { "use_rslora", "fan_in_fan_out" })
            if (Field(flag) == "true") throw new InvalidDataException($"'{configPath}': {flag} is true, which this project's LoRA does not implement");
        var first = sites.Sites[0];
        bool dora = Field("use_dora") == "true";
        if (dora != first.IsDora)
            throw new InvalidDataException(dora
                ? $"'{configPath}': use_dora is true, but adapter '{adapterName}' is plain LoRA; attach a DoRA adapter (such as the dora sample plugin) to read it"
                : $"'{configPath}': use_dora is not true, but adapter '{adapterName}' is DoRA and needs a magnitude vector per projection");
        int rank = root.GetProperty("r").GetInt32();
        double scale = root.GetProperty("lora_alpha").GetDouble() / rank;
        if (first.Rank != rank || Math.Abs(first.Scale - scale) > 1e-12 * Math.Abs(scale))
            throw new InvalidDataException(
                $"'{configPath}': r {rank} and lora_alpha / r {scale} differ from adapter '{adapterName}' (rank {first.Rank}, scale {first.Scale})");

        var targets = sites.Sites.SelectMany(s => s.PeftTensors().Select(t => ($"{PeftLoraExporter.KeyPrefix}{sites.Prefix}{s.Path}.{t.Suffix}", t.Tensor)))
            .ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);
        string weightsPath = Path.Combine(directory, PeftLoraExporter.WeightsFileName);
        using var file = TransientFileRetry.Default.Execute(() => SafetensorsFile.Open(weightsPath));
        var missing = targets.Keys.Where(k => !file.Entries.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = file.Entries.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var shapes = targets.Where(t => file.Entries.TryGetValue(t.Key, out var e) && !e.Shape.SequenceEqual(t.Value.shape)).Select(t => t.Key).ToList();
        if (missing.Count + unexpected.Count + shapes.Count > 0)
            throw new InvalidDataException($"'{weightsPath}' does not fit adapter '{adapterName}' in '{component}':" +
                (missing.Count > 0 ? "\n  missing: " + WeightsMismatchException.Abbreviate(missing, 10) : "") +
                (unexpected.Count > 0 ? "\n  unexpected: " + WeightsMismatchException.Abbreviate(unexpected, 10) : "") +
                (shapes.Count > 0 ? "\n  other shape: " + WeightsMismatchException.Abbreviate(shapes, 10) : ""));

        foreach (var (key, target) in targets)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            target.copy_(TransientFileRetry.Default.Execute(() => file.Read(key, target.dtype)));
        }
        return targets.Count;
    }
}
