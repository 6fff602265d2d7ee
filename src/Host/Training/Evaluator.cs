using Pipeline.Contracts.Runtime;
using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Exact-match answer accuracy on held-out samples. A sample counts as correct when, at every supervised position
/// (its answer tokens and the closing <c>&lt;eos&gt;</c>), the most likely token is the reference token. That is
/// exactly the condition for greedy decoding to reproduce the reference answer, computed in one batched forward
/// instead of token-by-token generation. The language-model head runs at the supervised positions only
/// (<see cref="MultimodalModel.ForwardSupervised"/>).
/// </summary>
/// <param name="model">The model.</param>
/// <param name="collator">Prepares batches.</param>
/// <param name="device">Where batches go.</param>
/// <param name="batchSize">Samples per evaluation batch.</param>
/// <param name="prefetchBatches">Batches prepared ahead on a background thread (see <see cref="BatchPrefetcher"/>).</param>
public sealed class Evaluator(MultimodalModel model, BatchCollator collator, Device device, int batchSize, int prefetchBatches = 2)
{
    /// <summary>One batch's results: the summed answer-token loss, the answer-token count, per-sample mistakes, and each
    /// reported statistic's rows (<c>B x K</c>, row by row).</summary>
    private sealed record BatchOutcome(double LossSum, long Tokens, bool[] Wrong, IReadOnlyList<(string Name, float[] Rows)> Statistics);

    /// <summary>
    /// Runs one batch in one dispose scope and reads its results from the device once: the mean loss, the per-sample
    /// mistakes and every per-sample statistic go to the host as one float vector.
    /// </summary>
    private BatchOutcome EvaluateBatch(PreparedBatch prepared)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = collator.ToModelBatch(prepared, device);
        var output = model.ForwardSupervised(batch, collectSampleStatistics: true);
        Tensor answerLogits = output.Logits;
        Tensor targets = LanguageModelLoss.SupervisedLabels(batch.Labels);
        long tokens = targets.shape[0];
        long samples = batch.Labels.shape[0];
        Tensor meanLoss = LanguageModelLoss.AnswerCrossEntropy(answerLogits, batch.Labels).to_type(ScalarType.Float32).reshape(1);
        Tensor sampleOfPosition = LanguageModelLoss.SupervisedPositions(batch.Labels).div(batch.Labels.shape[1], rounding_mode: RoundingMode.floor);
        Tensor mistakes = answerLogits.argmax(-1).ne(targets).to_type(ScalarType.Int64);
        Tensor wrong = zeros(samples, dtype: ScalarType.Int64, device: mistakes.device).index_add_(0, sampleOfPosition, mistakes, 1).gt(0);
        Tensor[] parts = [meanLoss, wrong.to_type(ScalarType.Float32), .. output.SampleStatistics.Select(s => s.PerSample.to(meanLoss.device).flatten())];
        float[] values = cat(parts, 0).cpu().data<float>().ToArray();
        var statistics = new List<(string, float[])>(output.SampleStatistics.Count);
        int offset = 1 + (int)samples;
        foreach (var (name, perSample) in output.SampleStatistics)
        {
            int length = (int)perSample.numel();
            statistics.Add((name, values[offset..(offset + length)]));
            offset += length;
        }
        bool[] wrongFlags = values[1..(1 + (int)samples)].Select(v => v != 0).ToArray();
        return new BatchOutcome((double)values[0] * tokens, tokens, wrongFlags, statistics);
    }

    /// <summary>
    /// Evaluates <paramref name="samples"/>: loss and accuracy overall and per category, and the means of every per-sample
    /// statistic adapters report (<see cref="EvaluationResult.Statistics"/>), collected in every evaluation.
    /// </summary>
    public EvaluationResult Evaluate(IReadOnlyList<TokenizedSample> samples)
    {
        if (samples.Count == 0) return new EvaluationResult(double.NaN, double.NaN, 0, new Dictionary<string, double>());
        bool wasTraining = model.training;
        model.eval();
        double lossSum = 0;
        long tokenCount = 0;
        var correct = new Dictionary<string, (int Right, int Total)>();
        var statistics = new SampleStatisticTally();
        try
        {
            var chunks = Enumerable.Range(0, samples.Count).Chunk(batchSize).ToList();
            using var batches = new BatchPrefetcher(collator, samples, chunks, prefetchBatches);
            foreach (var indices in chunks)
            {
                var prepared = batches.Next(indices);
                var chunk = prepared.Samples;
                var outcome = FinalizerFence.Run(() => EvaluateBatch(prepared));
                lossSum += outcome.LossSum;
                tokenCount += outcome.Tokens;
                for (int i = 0; i < chunk.Count; i++)
                {
                    var (right, total) = correct.GetValueOrDefault(chunk[i].Category);
                    correct[chunk[i].Category] = (right + (outcome.Wrong[i] ? 0 : 1), total + 1);
                }
                var categories = chunk.Select(s => s.Category).ToList();
                foreach (var (name, rows) in outcome.Statistics) statistics.Add(name, rows, categories);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        int allRight = correct.Values.Sum(c => c.Right);
        return new EvaluationResult(lossSum / Math.Max(1, tokenCount), (double)allRight / samples.Count, samples.Count,
            correct.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => (double)kv.Value.Right / kv.Value.Total))
        {
            Statistics = statistics.Means(),
        };
    }
}
