using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Interop;
using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// Writes one component's base weights (adapter tensors left out) as a Hugging Face checkpoint directory: the keys
/// are the layout's first prefix followed by the module keys, beside the given <c>config.json</c>.
/// </summary>
public static class HuggingFaceCheckpointWriter
{
    /// <summary>Hugging Face's default shard limit.</summary>
    public const long DefaultMaxShardBytes = 5L * 1000 * 1000 * 1000;

    /// <summary>The <c>torch_dtype</c> name of a stored float type.</summary>
    public static string TorchDtype(SafetensorsDType type) => type switch
    {
        SafetensorsDType.F16 => "float16",
        SafetensorsDType.BF16 => "bfloat16",
        _ => "float32",
    };

    /// <summary>
    /// Writes <paramref name="component"/> of <paramref name="built"/> into <paramref name="directory"/>:
    /// <c>config.json</c> and <c>model.safetensors</c> (or shards and their index). Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Write(BuiltModel built, string component, string directory, JsonObject config,
        SafetensorsDType floatType = SafetensorsDType.F32, long maxShardBytes = DefaultMaxShardBytes)
    {
        var adaptable = built.Model.Components[component];
        if (adaptable is not IHuggingFaceLayout layout)
            throw new InvalidOperationException($"component '{component}' does not declare a Hugging Face layout ({nameof(IHuggingFaceLayout)})");
        string modelPrefix = AdapterKeys.ComponentPrefix(component);
        var tensors = adaptable.Module.state_dict()
            .Where(kv => AdapterKeys.AdapterOf(built, modelPrefix + kv.Key) is null)
            .Select(kv => (layout.KeyPrefixes[0] + kv.Key, kv.Value))
            .ToList();
        Directory.CreateDirectory(directory);
        string configPath = Path.Combine(directory, HuggingFaceCheckpointLoader.ConfigFileName);
        string json = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        TransientFileRetry.Default.Execute(() => File.WriteAllText(configPath, json + "\n"));
        using var noGrad = no_grad();
        var written = TransientFileRetry.Default.Execute(() => SafetensorsCheckpoint.Write(directory, tensors, maxShardBytes, floatType: floatType));
        return [configPath, .. written];
    }
}
