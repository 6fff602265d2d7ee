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
    private sealed record BatchOutcome(double LossSum, long Tokens, bool[] Wrong);

    /// <summary>Summed answer-token loss, answer-token count and per-sample mistakes of one batch, in one dispose scope.</summary>
    private BatchOutcome EvaluateBatch(PreparedBatch prepared)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = collator.ToModelBatch(prepared, device);
        Tensor answerLogits = model.ForwardSupervised(batch).Logits;
        Tensor targets = LanguageModelLoss.SupervisedLabels(batch.Labels);
        long tokens = targets.shape[0];
        double lossSum = LanguageModelLoss.AnswerCrossEntropy(answerLogits, batch.Labels).item<float>() * tokens;
        Tensor sampleOfPosition = LanguageModelLoss.SupervisedPositions(batch.Labels).div(batch.Labels.shape[1], rounding_mode: RoundingMode.floor);
        Tensor mistakes = answerLogits.argmax(-1).ne(targets).to_type(ScalarType.Int64);
        Tensor wrong = zeros(batch.Labels.shape[0], dtype: ScalarType.Int64, device: mistakes.device).index_add_(0, sampleOfPosition, mistakes, 1).gt(0);
        return new BatchOutcome(lossSum, tokens, wrong.cpu().data<bool>().ToArray());
    }

    public EvaluationResult Evaluate(IReadOnlyList<TokenizedSample> samples)
    {
        if (samples.Count == 0) return new EvaluationResult(double.NaN, double.NaN, 0, new Dictionary<string, double>());
        bool wasTraining = model.training;
        model.eval();
        double lossSum = 0;
        long tokenCount = 0;
        var correct = new Dictionary<string, (int Right, int Total)>();
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
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        int allRight = correct.Values.Sum(c => c.Right);
        return new EvaluationResult(lossSum / Math.Max(1, tokenCount), (double)allRight / samples.Count, samples.Count,
            correct.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => (double)kv.Value.Right / kv.Value.Total));
    }
}
