using System.Text.Json.Nodes;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;

namespace Pipeline.Host.Interop;

/// <summary>
/// Folds every adapter on the decoder into its base weights (<see cref="Contracts.Adapters.IAdapter.Merge"/>) and
/// writes the decoder as a Hugging Face <c>LlamaForCausalLM</c> directory, which <c>transformers</c> and
/// <c>model.weights.llm</c> both load. Encoders and projectors have no place in that layout and are left out.
/// </summary>
public static class MergedLlamaExporter
{
    /// <summary>Writes the merged decoder into <paramref name="directory"/>; returns the files written. The model is unmerged again afterwards.</summary>
    /// <param name="built">The model, its trained weights loaded.</param>
    /// <param name="pluginOf">The plugin name of an adapter, for messages.</param>
    /// <param name="pretrainedConfig">The <c>config.json</c> section the decoder started from (<see cref="PretrainedConfig"/>), or <c>null</c>.</param>
    /// <param name="directory">The export directory.</param>
    /// <param name="log">Receives notes about what is left out.</param>
    /// <param name="floatType">The stored element type.</param>
    /// <param name="maxShardBytes">The shard size limit.</param>
    /// <exception cref="Config.Binding.ConfigException">An adapter on the decoder cannot merge (an <c>--format</c> error naming it).</exception>
    public static IReadOnlyList<string> Write(BuiltModel built, Func<string, string> pluginOf, JsonObject? pretrainedConfig, string directory,
        Action<string> log, SafetensorsDType floatType = SafetensorsDType.F32, long maxShardBytes = HuggingFaceCheckpointWriter.DefaultMaxShardBytes)
    {
        var onDecoder = DecoderAdapters(built);
        var unmergeable = onDecoder.FirstOrDefault(a => !a.CanMerge);
        if (unmergeable is not null)
            throw ExportUsage.Error("--format",
                $"adapter '{unmergeable.Name}' (plugin {pluginOf(unmergeable.Name)}) cannot be merged into the decoder's weights: its plugin reports " +
                "that its output is not a fixed weight delta on each projection (CanMerge is false, as for token-routed experts, gates and " +
                "learned prefixes, which depend on the input); export it with --format adapters");
        foreach (var adapter in built.Adapters.Except(onDecoder))
            log($"adapter '{adapter.Name}' adapts only encoders; a merged export holds the decoder alone, so it is left out");
        foreach (var adapter in onDecoder.Where(a => a.AttachedSites.Any(s => !s.StartsWith("llm:", StringComparison.Ordinal))))
            log($"adapter '{adapter.Name}' also adapts encoders; only its decoder deltas are in the merged export");

        var merged = new List<IAdapter>();
        try
        {
            Fenced(MergeOrder(built, onDecoder), adapter =>
            {
                adapter.Merge();
                merged.Add(adapter);
            });
            var config = LlamaConfigJson.Create(built.Model.Llm.Options, HuggingFaceCheckpointWriter.TorchDtype(floatType), pretrainedConfig);
            return HuggingFaceCheckpointWriter.Write(built, PretrainedWeights.Llm, directory, config, floatType, maxShardBytes);
        }
        finally
        {
            Fenced(Enumerable.Reverse(merged).ToList(), adapter => adapter.Unmerge());
        }
    }

    /// <summary>The adapters with anything on the decoder (the ones a merged export folds in).</summary>
    public static IReadOnlyList<IAdapter> DecoderAdapters(BuiltModel built) =>
        built.Adapters.Where(adapter =>
            adapter.AttachedSites.Any(s => s.StartsWith("llm:", StringComparison.Ordinal))
            || AdapterKeys.Of(built, adapter.Name).Any(k => k.StartsWith("llm.", StringComparison.Ordinal))).ToList();

    /// <summary>
    /// Adapters with weight transforms first (in their attachment order), then the others: the forward computes
    /// <c>T(W) x + D x</c>, and merging in this order stores exactly <c>T(W) + D</c>; unmerging runs in reverse, as the
    /// projections require (<see cref="IWeightTransformSite"/>).
    /// </summary>
    private static IReadOnlyList<IAdapter> MergeOrder(BuiltModel built, IReadOnlyList<IAdapter> adapters)
    {
        var transforms = built.Model.named_modules().Select(m => m.module).OfType<IWeightTransformSite>()
            .SelectMany(site => site.WeightTransformNames).ToHashSet();
        return adapters.Where(a => transforms.Contains(a.Name)).Concat(adapters.Where(a => !transforms.Contains(a.Name))).ToList();
    }

    // Merging runs plugin tensor code outside a training step, with implicitly created Scalars (LoRA scales its delta
    // by a number, the merge adds it into the weight): each pass over the adapters runs inside one fence.
    private static void Fenced(IReadOnlyList<IAdapter> adapters, Action<IAdapter> act) =>
        FinalizerFence.Run(() =>
        {
            foreach (var adapter in adapters) act(adapter);
        });

    /// <summary>
    /// The decoder's section of the <c>config.json</c> of <c>model.weights.llm</c>, if any, so token ids and the
    /// context length carry over into the merged export.
    /// </summary>
    public static JsonObject? PretrainedConfig(PipelineDefinition definition)
    {
        if (!definition.Config.Model.Weights.TryGetValue(PretrainedWeights.Llm, out var weights)) return null;
        using var document = HuggingFaceCheckpointLoader.ReadConfig(definition.Resolve(weights.Path));
        return JsonNode.Parse(LlamaCheckpointLayout.Section(document.RootElement).GetRawText()) as JsonObject;
    }
}
