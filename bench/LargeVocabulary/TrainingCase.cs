using System.Diagnostics;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Bench.LargeVocabulary;

/// <summary>
/// Trains the LLM of a run folder's model for a few steps on one batch of its samples (forward, cross-entropy,
/// backward, AdamW), with the language-model head over every position or over the supervised positions only.
/// </summary>
internal static class TrainingCase
{
    public static CaseResult Run(string yamlPath, int length, bool fullLogits, int steps)
    {
        var definition = PipelineLoader.Load(yamlPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var model = built.Model;
        var collator = new BatchCollator(tokenizer, model, model.Llm.Options.MaxSequenceLength);
        var samples = splits.Train;
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        var trainable = model.Llm.parameters().ToList();
        foreach (var parameter in trainable) parameter.requires_grad = true;
        using var optimizer = optim.AdamW(trainable, lr: 1e-3);
        model.train();
        double startMiB = ProcessMemory.CurrentMiB();

        var times = new List<double>();
        var losses = new List<double>();
        string shape = "";
        long supervised = 0;
        for (int step = 0; step <= steps; step++)
        {
            var clock = Stopwatch.StartNew();
            (double loss, shape, supervised) = FinalizerFence.Run(() =>
            {
                using var scope = NewDisposeScope();
                using var batch = collator.Collate(samples, CPU);
                Tensor logits = fullLogits ? model.Forward(batch).Logits : model.ForwardSupervised(batch).Logits;
                Tensor loss = fullLogits
                    ? LanguageModelLoss.CrossEntropy(logits, batch.Labels)
                    : LanguageModelLoss.AnswerCrossEntropy(logits, batch.Labels);
                loss.backward();
                optimizer.step();
                optimizer.zero_grad();
                return (loss.item<float>(), string.Join(" x ", logits.shape), batch.Labels.ne(BatchCollator.IgnoredLabel).sum().item<long>());
            });
            if (step > 0) times.Add(clock.Elapsed.TotalMilliseconds);
            losses.Add(loss);
        }
        var sorted = times.Order().ToList();
        return new CaseResult(length, fullLogits ? "full" : "supervised", shape, supervised, startMiB, ProcessMemory.PeakMiB(),
            sorted[sorted.Count / 2], sorted[0], losses[0], losses[^1]);
    }
}
