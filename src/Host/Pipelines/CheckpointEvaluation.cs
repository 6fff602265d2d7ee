using Pipeline.Host.Checkpoints;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>A checkpoint's held-out results.</summary>
/// <param name="CheckpointDirectory">The checkpoint directory that was loaded.</param>
/// <param name="Weights">Which state-dict entries came from the checkpoint.</param>
/// <param name="Evaluation">Loss and exact-match accuracy on the eval split.</param>
/// <param name="SamplesByCategory">Eval samples per category.</param>
public sealed record CheckpointEvaluation(string CheckpointDirectory, WeightsLoadReport Weights, EvaluationResult Evaluation,
    IReadOnlyDictionary<string, int> SamplesByCategory)
{
    /// <summary>
    /// Builds the pipeline's model exactly as training does (same seed, so weights a checkpoint leaves out get the same
    /// initial values), loads the checkpoint <paramref name="checkpointPath"/> names (see
    /// <see cref="CheckpointLocation.Resolve"/>), and evaluates it on the eval split with the training evaluator.
    /// A checkpoint tensor the model has no entry for is an error: the checkpoint belongs to another configuration. So is
    /// a damaged checkpoint (<see cref="CheckpointIntegrity"/>: a non-finite, integer-typed or truncated tensor). Adapters run as
    /// they ran at the checkpoint's stage (<see cref="CheckpointAdapterActivity"/>).
    /// </summary>
    public static CheckpointEvaluation Run(PipelineDefinition definition, string checkpointPath)
    {
        var config = definition.Config;
        string directory = CheckpointLocation.Resolve(checkpointPath);
        if (config.Run.Threads > 0) set_num_threads(config.Run.Threads);
        Device device = DeviceResolver.Resolve(config.Run.Device).Device;
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        if (splits.Eval.Count == 0) throw new InvalidOperationException("the pipeline's data has no eval samples to evaluate on");

        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, device);
        var weights = ModelWeights.Load(built.Model, directory).RefuseUnexpected();
        CheckpointAdapterActivity.Apply(built, config.Stages, directory);

        var collator = new BatchCollator(tokenizer, built.Model, built.Model.Llm.Options.MaxSequenceLength);
        var evaluation = new Evaluator(built.Model, collator, device, config.Data.EvalBatchSize, config.Data.PrefetchBatches).Evaluate(splits.Eval);
        var counts = splits.Eval.GroupBy(s => s.Category).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new CheckpointEvaluation(directory, weights, evaluation, counts);
    }

    /// <summary>The record <c>pipeline eval</c> appends to <c>eval.jsonl</c>: the fields of a training eval record (per-sample statistics included), plus the checkpoint.</summary>
    public IReadOnlyDictionary<string, object> Record()
    {
        var record = new Dictionary<string, object>
        {
            ["kind"] = "eval", ["checkpoint"] = CheckpointDirectory, ["eval_loss"] = Evaluation.Loss,
            ["accuracy"] = Evaluation.Accuracy, ["samples"] = Evaluation.Samples,
        };
        foreach (var (category, accuracy) in Evaluation.AccuracyByCategory) record[$"accuracy_{category}"] = accuracy;
        foreach (var (key, mean) in Evaluation.Statistics) record[key] = mean;
        return record;
    }
}
