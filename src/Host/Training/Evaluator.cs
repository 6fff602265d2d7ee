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
            using var noGrad = no_grad();
            foreach (var chunk in samples.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                using var batch = collator.Collate(chunk, device);
                Tensor logits = model.Forward(batch).Logits;
                Tensor supervised = batch.Labels.ne(BatchCollator.IgnoredLabel);
                long tokens = supervised.sum().item<long>();
                lossSum += LanguageModelLoss.CrossEntropy(logits, batch.Labels).item<float>() * tokens;
                tokenCount += tokens;
                Tensor wrong = logits.argmax(-1).ne(batch.Labels).logical_and(supervised).any(1);
                bool[] wrongPerSample = wrong.cpu().data<bool>().ToArray();
                for (int i = 0; i < chunk.Length; i++)
                {
                    string category = batch.Categories[i];
                    var (right, total) = correct.GetValueOrDefault(category);
                    correct[category] = (right + (wrongPerSample[i] ? 0 : 1), total + 1);
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
