using Pipeline.Host.Data;
using Pipeline.Host.Modules.Multimodal;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Exact-match answer accuracy on held-out samples. A sample counts as correct when, at every supervised position
/// (its answer tokens and the closing <c>&lt;eos&gt;</c>), the most likely token is the reference token. That is
/// exactly the condition for greedy decoding to reproduce the reference answer, computed in one batched forward
/// instead of token-by-token generation.
/// </summary>
public sealed class Evaluator(MultimodalModel model, BatchCollator collator, Device device, int batchSize)
{
    private sealed record BatchOutcome(double LossSum, long Tokens, bool[] Wrong);

    /// <summary>Summed answer-token loss, answer-token count and per-sample mistakes of one batch, in one dispose scope.</summary>
    private BatchOutcome EvaluateBatch(Sample[] chunk)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = collator.Collate(chunk, device);
        Tensor logits = model.Forward(batch).Logits;
        Tensor supervised = batch.Labels.ne(BatchCollator.IgnoredLabel);
        long tokens = supervised.sum().item<long>();
        double lossSum = LanguageModelLoss.CrossEntropy(logits, batch.Labels).item<float>() * tokens;
        Tensor wrong = logits.argmax(-1).ne(batch.Labels).logical_and(supervised).any(1);
        return new BatchOutcome(lossSum, tokens, wrong.cpu().data<bool>().ToArray());
    }

    public EvaluationResult Evaluate(IReadOnlyList<Sample> samples)
    {
        if (samples.Count == 0) return new EvaluationResult(double.NaN, double.NaN, 0, new Dictionary<string, double>());
        bool wasTraining = model.training;
        model.eval();
        double lossSum = 0;
        long tokenCount = 0;
        var correct = new Dictionary<string, (int Right, int Total)>();
        try
        {
            foreach (var chunk in samples.Chunk(batchSize))
            {
                var outcome = FinalizerFence.Run(() => EvaluateBatch(chunk));
                lossSum += outcome.LossSum;
                tokenCount += outcome.Tokens;
                for (int i = 0; i < chunk.Length; i++)
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
