using Pipeline.Contracts.Runtime;
using System.Diagnostics;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// The training step written by hand over the modules the pipeline trains: the model is built by the host's
/// <see cref="ModelFactory"/> from the same pipeline definition (same decoder, same adapters, same seed), one batch is
/// collated once from the same samples and reused, and a step is the same math as the pipeline's: the forward with
/// the head at supervised positions, the answer cross-entropy plus any adapter auxiliary loss, backward, the same
/// gradient clipping, AdamW on the adapter parameters, inside one dispose scope. No prefetching, no metrics, no
/// non-finite checks, no schedule.
/// </summary>
internal sealed class HandWrittenLoop : IDisposable
{
    private readonly BuiltModel _built;
    private readonly DataSplits _splits;
    private readonly ModelBatch _batch;
    private readonly List<Parameter> _trainable;
    private readonly AdamW _optimizer;
    private readonly double _clipGradNorm;

    public HandWrittenLoop(PipelineDefinition definition)
    {
        var (tokenizer, splits) = DataFactory.Load(definition);
        _splits = splits;
        var stage = definition.Config.Stages[0];
        _built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var collator = new BatchCollator(tokenizer, _built.Model, _built.Model.Llm.Options.MaxSequenceLength);
        _batch = collator.Collate(splits.Train.Take(stage.BatchSize).ToList(), CPU);
        _trainable = _built.Inventory.Select(["adapters"], [], _built.Adapters.Select(a => a.Name).ToList()).Select(p => p.Parameter).ToList();
        _optimizer = optim.AdamW(_trainable, lr: stage.LearningRate.Llm, beta1: stage.Beta1, beta2: stage.Beta2, weight_decay: stage.WeightDecay);
        _clipGradNorm = stage.ClipGradNorm;
        _built.Model.train();
        SupervisedPositions = _batch.Labels.ne(BatchCollator.IgnoredLabel).sum().item<long>();
        Tokens = _batch.TokenMask.sum().item<long>();
    }

    /// <summary>Supervised positions (M) in the batch.</summary>
    public long SupervisedPositions { get; }

    /// <summary>Tokens in the batch.</summary>
    public long Tokens { get; }

    /// <summary>Vocabulary size of the model (the tokenizer's).</summary>
    public int VocabularySize => _built.Model.Llm.Options.VocabSize;

    /// <summary>Trainable parameters (the adapters').</summary>
    public long TrainableParameters => _trainable.Sum(p => p.numel());

    /// <summary>Runs <paramref name="steps"/> steps; returns the mean milliseconds per step.</summary>
    public double TimeSteps(int steps)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step();
        return clock.Elapsed.TotalMilliseconds / steps;
    }

    /// <summary>One step; returns its task loss.</summary>
    public double Step() => FinalizerFence.Run(() =>
    {
        using var scope = NewDisposeScope();
        ModelOutput output = _built.Model.ForwardSupervised(_batch);
        Tensor loss = LanguageModelLoss.AnswerCrossEntropy(output.Logits, _batch.Labels);
        double value = loss.item<float>();
        foreach (var (_, auxiliary) in output.AuxiliaryLosses) loss = loss + auxiliary;
        loss.backward();
        if (_clipGradNorm > 0) nn.utils.clip_grad_norm_(_trainable, _clipGradNorm);
        _optimizer.step();
        _optimizer.zero_grad();
        return value;
    });

    /// <summary>
    /// One step split into its phases, timed separately (on the CPU every operation has finished when its call returns):
    /// forward with the loss, backward, and clipping with the optimizer update; milliseconds each.
    /// </summary>
    public (double Forward, double Backward, double Update) TimedPhases() => FinalizerFence.Run(() =>
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        ModelOutput output = _built.Model.ForwardSupervised(_batch);
        Tensor loss = LanguageModelLoss.AnswerCrossEntropy(output.Logits, _batch.Labels);
        foreach (var (_, auxiliary) in output.AuxiliaryLosses) loss = loss + auxiliary;
        double forward = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        loss.backward();
        double backward = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        if (_clipGradNorm > 0) nn.utils.clip_grad_norm_(_trainable, _clipGradNorm);
        _optimizer.step();
        _optimizer.zero_grad();
        return (forward, backward, clock.Elapsed.TotalMilliseconds);
    });

    public void Dispose()
    {
        _optimizer.Dispose();
        _batch.Dispose();
        _built.Dispose();
        _splits.Dispose();
    }
}
