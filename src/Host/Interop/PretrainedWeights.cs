using Pipeline.Host.Config;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Interop;

/// <summary>
/// The model-building step that loads <c>model.weights</c>: each named component gets its Hugging Face checkpoint,
/// after the model is built and before adapters attach (so adapters start as an identity over the loaded weights).
/// Every mismatch is a configuration error at <c>model.weights.&lt;component&gt;</c>.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>The component name of the decoder.</summary>
    public const string Llm = "llm";

    /// <summary>
    /// The vocabulary size in <c>config.json</c> of <c>model.weights.llm</c>, or <c>null</c> when the decoder has no
    /// pretrained weights or the file cannot be read (loading reports that later, with its position).
    /// </summary>
    public static int? LlmVocabularySize(PipelineDefinition definition)
    {
        if (!definition.Config.Model.Weights.TryGetValue(Llm, out var weights)) return null;
        try
        {
            using var config = HuggingFaceCheckpointLoader.ReadConfig(definition.Resolve(weights.Path));
            return LlamaCheckpointLayout.VocabularySize(config.RootElement);
        }
        catch (WeightsMismatchException)
        {
            return null;
        }
    }

    /// <summary>
    /// Loads every entry of <c>model.weights</c> into <paramref name="model"/>; with <paramref name="readTensors"/>
    /// false (the meta device) only checks names, shapes and <c>config.json</c>.
    /// </summary>
    /// <exception cref="Config.Binding.ConfigException">A component is unknown, or its checkpoint does not fit.</exception>
    public static IReadOnlyList<WeightsLoadReport> Load(PipelineDefinition definition, MultimodalModel model, bool readTensors)
    {
        var document = definition.Document;
        var components = model.Components;
        var reports = new List<WeightsLoadReport>();
        foreach (var (name, weights) in definition.Config.Model.Weights)
        {
            var node = YamlLocator.Find(document.Root, "model", "weights", name);
            if (!components.TryGetValue(name, out var component))
                throw document.ErrorAt(node, $"model.weights: no component '{name}'; the model has: {string.Join(", ", components.Keys.Order(StringComparer.Ordinal))}");
            string optionsKey = name == Llm ? "model.llm" : $"model.encoders.{name}.options";
            try
            {
                reports.Add(HuggingFaceCheckpointLoader.Load(component, definition.Resolve(weights.Path), weights.Strict, readTensors, optionsKey));
            }
            catch (WeightsMismatchException e)
            {
                throw document.ErrorAt(YamlLocator.Find(document.Root, "model", "weights", name, "path"), $"model.weights.{name}: {e.Message}");
            }
        }
        return reports;
    }
}
