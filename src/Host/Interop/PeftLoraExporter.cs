using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Adapters;
using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// Writes a LoRA or DoRA adapter in PEFT's format, one directory per adapted component (<c>llm/</c>, <c>vision/</c>, ...):
/// <c>adapter_config.json</c> (<c>peft_type</c> LORA, <c>use_dora</c> true for DoRA) and <c>adapter_model.safetensors</c>
/// with PEFT's keys, <c>base_model.model.</c> + the component's Hugging Face prefix + projection path + <c>.lora_A.weight</c>
/// (<c>r x in</c>), <c>.lora_B.weight</c> (<c>out x r</c>) and, for DoRA, <c>.lora_magnitude_vector</c> (<c>out</c>), the
/// adapter name left out as PEFT leaves it out.
/// </summary>
public static class PeftLoraExporter
{
    /// <summary>PEFT's configuration file.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>PEFT's weights file.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>What <c>PeftModel</c> puts before the base model's module names.</summary>
    public const string KeyPrefix = "base_model.model.";

    /// <summary>
    /// Writes <paramref name="adapter"/> under <paramref name="directory"/> and returns the directories written.
    /// </summary>
    /// <param name="built">The model, its trained weights loaded.</param>
    /// <param name="adapter">A plain LoRA or DoRA adapter (see <see cref="LowRankSites.Of"/>).</param>
    /// <param name="pluginName">Its plugin, for messages.</param>
    /// <param name="directory">The export directory; each component gets a subdirectory.</param>
    /// <param name="baseModelOf">The <c>base_model_name_or_path</c> to record for a component, or <c>null</c>.</param>
    /// <param name="floatType">The stored element type.</param>
    public static IReadOnlyList<string> Write(BuiltModel built, IAdapter adapter, string pluginName, string directory,
        Func<string, string?> baseModelOf, SafetensorsDType floatType = SafetensorsDType.F32)
    {
        var written = new List<string>();
        foreach (var component in LowRankSites.Of(built, adapter, pluginName))
        {
            var first = component.Sites[0];
            int rank = (int)first.Rank;
            var odd = component.Sites.FirstOrDefault(s => s.Rank != rank || s.Scale != first.Scale || s.Dropout != first.Dropout || s.IsDora != first.IsDora);
            if (odd is not null)
                throw ExportUsage.Error("--format",
                    $"adapter '{adapter.Name}' (plugin {pluginName}) cannot be written in PEFT's LoRA format: its projections in '{component.Component}' differ in rank, scale, dropout or use of DoRA " +
                    $"({component.Component}:{odd.Path} against {component.Component}:{first.Path}); export it with --format adapters");

            var tensors = component.Sites.SelectMany(s => s.PeftTensors().Select(t => ($"{KeyPrefix}{component.Prefix}{s.Path}.{t.Suffix}", t.Tensor))).ToList();
            var config = Config(component, rank, first.Scale * rank, first.Dropout, first.IsDora, baseModelOf(component.Component));

            string target = Path.Combine(directory, component.Component);
            Directory.CreateDirectory(target);
            string json = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            TransientFileRetry.Default.Execute(() => File.WriteAllText(Path.Combine(target, ConfigFileName), json + "\n"));
            using (no_grad())
            {
                TransientFileRetry.Default.Execute(() => SafetensorsWriter.Write(Path.Combine(target, WeightsFileName), tensors, floatType,
                    new Dictionary<string, string> { ["format"] = "pt" }));
            }
            written.Add(target);
        }
        return written;
    }

    // PEFT's LoraConfig fields, sorted as PEFT writes them; the defaults of fields this project has no counterpart
    // for (rsLoRA, patterns, layer selection) are spelled out so the file reads the same in every PEFT version.
    private static JsonObject Config(LowRankSites component, int rank, double alpha, double dropout, bool dora, string? baseModel)
    {
        var fields = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["alpha_pattern"] = new JsonObject(),
            ["base_model_name_or_path"] = baseModel,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = null,
            ["lora_alpha"] = alpha == Math.Round(alpha) ? JsonValue.Create((long)Math.Round(alpha)) : JsonValue.Create(alpha),
            ["lora_dropout"] = dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = new JsonArray(component.TargetModules().Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            ["task_type"] = component.Component == PretrainedWeights.Llm ? "CAUSAL_LM" : null,
            ["use_dora"] = dora,
            ["use_rslora"] = false,
        };
        return new JsonObject(fields);
    }
}
