using System.Globalization;
using Pipeline.Host.Config;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.IO;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// Checks, once the data is checked and the model built and before the first step, that every stage's batches can be
/// trained: a step may not go over its split more than <see cref="MaxPassesPerStep"/> times, and on the CPU a
/// micro-batch's <see cref="MicroBatchMemory"/> (a lower bound) must fit the <see cref="AvailableMemory"/>. A micro-batch
/// larger than its split only earns a warning: the sample order wraps, so the batch repeats samples.
/// </summary>
public static class BatchFit
{
    /// <summary>The most passes over its split one optimizer step (batch_size x gradient_accumulation samples) may take.</summary>
    public const int MaxPassesPerStep = 100;

    /// <summary>Samples of a split whose lengths the memory estimate averages (the first ones).</summary>
    public const int SamplesMeasured = 1000;

    /// <summary>Refuses the first stage whose batches cannot be trained; warns, through <paramref name="log"/>, of micro-batches larger than their split.</summary>
    /// <param name="memory">What the machine has left now (the model is loaded already); <c>null</c> skips the memory check.</param>
    /// <exception cref="ConfigException">A stage's batch_size or gradient_accumulation cannot be trained; located at that key.</exception>
    public static void Check(PipelineDefinition definition, BuiltModel built, DataSplits splits, BatchCollator collator, Device device,
        AvailableMemory? memory, Action<string> log)
    {
        var stages = definition.Config.Stages;
        for (int i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            var samples = splits.Get(stage.Split);
            if (samples.Count == 0) continue;
            string split = $"split '{stage.Split.ToString().ToLowerInvariant()}' ({samples.Count} samples)";
            long drawn = (long)stage.BatchSize * stage.GradientAccumulation;
            if (drawn > (long)MaxPassesPerStep * samples.Count)
            {
                string key = stage.BatchSize > (long)MaxPassesPerStep * samples.Count ? "batch_size" : "gradient_accumulation";
                throw Error(definition, i, key, $"one optimizer step would take batch_size x gradient_accumulation = {stage.BatchSize} x " +
                    $"{stage.GradientAccumulation} = {Count(drawn)} samples, more than {MaxPassesPerStep} passes over {split}; a step that repeats " +
                    "every sample that often has the gradient of a much smaller one and only takes longer. Lower batch_size or gradient_accumulation");
            }
            if (stage.BatchSize > samples.Count)
                log($"warning: stages[{i}].batch_size {stage.BatchSize} is larger than {split}: each micro-batch repeats samples");
            if (memory is null || device.type != DeviceType.CPU) continue;
            var estimate = Estimate(stage, samples, built, collator);
            if (estimate.TotalBytes > memory.Bytes)
                throw Error(definition, i, "batch_size", $"a micro-batch of {stage.BatchSize} samples needs at least {MicroBatchMemory.Size(estimate.TotalBytes)} " +
                    $"beyond the loaded model ({estimate.Describe()}), but only {MicroBatchMemory.Size(memory.Bytes)} is available ({memory.Source}). " +
                    "Lower batch_size (raise gradient_accumulation to keep the samples per step), or shorten the samples");
        }
    }

    /// <summary>The estimate for one stage's micro-batch, from the mean lengths of the split's first <see cref="SamplesMeasured"/> samples.</summary>
    public static MicroBatchMemory Estimate(StageConfig stage, IReadOnlyList<Data.TokenizedSample> samples, BuiltModel built, BatchCollator collator)
    {
        int measured = Math.Min(samples.Count, SamplesMeasured);
        double tokens = 0, answers = 0;
        for (int s = 0; s < measured; s++)
        {
            var sample = samples[s];
            tokens += collator.ExpandedLength(sample).Length;
            answers += sample.Supervised.Count(supervised => supervised);
        }
        long trainable = built.Inventory.All.Where(p => built.Inventory.IsTrainableIn(p.Name, stage.Trainable)).Sum(p => p.Parameter.numel());
        var llm = built.Model.Llm.Options;
        return new MicroBatchMemory(stage.BatchSize, tokens / measured, answers / measured, llm.VocabSize, llm.Layers, llm.HiddenSize,
            llm.IntermediateSize, trainable);
    }

    private static ConfigException Error(PipelineDefinition definition, int stage, string key, string text) =>
        definition.Document.ErrorAt(YamlLocator.Find(definition.Document.Root, "stages", stage, key), $"stages[{stage}].{key}: {text}");

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
