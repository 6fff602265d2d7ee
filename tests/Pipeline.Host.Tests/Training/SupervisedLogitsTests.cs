using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// Training and evaluation run the language-model head at supervised positions only: the logits, the loss, the
/// gradients and the exact-match accuracy equal what the full <c>B x N x V</c> logits give.
/// </summary>
public sealed class SupervisedLogitsTests(SupervisedLogitsTests.TrainedTinyModel trained) : IClassFixture<SupervisedLogitsTests.TrainedTinyModel>
{
    private readonly BuiltModel _built = trained.Built;
    private readonly BatchCollator _collator = trained.Collator;
    private readonly DataSplits _splits = trained.Splits;

    /// <summary>A tiny model that has learned its few pretraining samples: exact matches on them, mistakes on unseen samples.</summary>
    public sealed class TrainedTinyModel : IDisposable
    {
        private readonly TinyPipeline _pipeline = new();

        public TrainedTinyModel()
        {
            var definition = PipelineLoader.Load(_pipeline.ConfigPath,
                ["stages.0.steps=40", "stages.0.evaluate=false", "data.synthetic.pretrain_per_category=4"]);
            var (tokenizer, splits) = DataFactory.Load(definition);
            Splits = splits;
            Built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
            Collator = new BatchCollator(tokenizer, Built.Model, 48);
            using var metrics = new MetricsWriter(Path.Combine(_pipeline.OutputDirectory, "metrics.jsonl"));
            var session = new TrainingSession
            {
                Model = Built.Model, Inventory = Built.Inventory, Splits = splits, Device = CPU, Seed = 1,
                Collator = Collator, EvalBatchSize = 32, LogEvery = 100, Metrics = metrics,
                CreateSchedule = (selection, context) => PipelineRunner.CreateSchedule(definition, selection, context),
            };
            new StageTrainer(session).Run(definition.Config.Stages[0], 0);
        }

        public BuiltModel Built { get; }

        public BatchCollator Collator { get; }

        public DataSplits Splits { get; }

        public void Dispose()
        {
            Built.Dispose();
            _pipeline.Dispose();
        }
    }

    [Fact]
    public void Supervised_logits_are_the_full_logits_rows_at_supervised_positions_only()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _built.Model.eval();
        using var batch = _collator.Collate(_splits.Eval.Take(12).ToList(), CPU);

        Tensor full = _built.Model.Forward(batch).Logits;
        Tensor supervised = _built.Model.ForwardSupervised(batch).Logits;

        long count = batch.Labels.ne(BatchCollator.IgnoredLabel).sum().item<long>();
        full.shape.Should().Equal(batch.Labels.shape[0], batch.Labels.shape[1], full.shape[2]);
        supervised.shape.Should().Equal(count, full.shape[2]);
        count.Should().BeLessThan(batch.Labels.numel() / 2);
        // The same rows up to rounding: a matrix product over fewer rows may round the last bit differently.
        allclose(supervised, LanguageModelLoss.AnswerLogits(full, batch.Labels), rtol: 1e-6, atol: 1e-6).Should().BeTrue();
        supervised.argmax(-1).equal(LanguageModelLoss.AnswerLogits(full, batch.Labels).argmax(-1)).all().item<bool>().Should().BeTrue();
        // The mean sums M terms instead of B x N (zeros at ignored positions): the same value up to float rounding.
        LanguageModelLoss.AnswerCrossEntropy(supervised, batch.Labels).item<float>()
            .Should().BeApproximately(LanguageModelLoss.CrossEntropy(full, batch.Labels).item<float>(), 1e-5f);
    }

    [Fact]
    public void Gradients_of_the_supervised_loss_equal_those_of_the_full_logits_loss()
    {
        using var scope = NewDisposeScope();
        _built.Model.train();
        var parameters = _built.Model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        using var batch = _collator.Collate(_splits.Train.Take(8).ToList(), CPU);

        _built.Model.zero_grad();
        LanguageModelLoss.CrossEntropy(_built.Model.Forward(batch).Logits, batch.Labels).backward();
        var fullGradients = parameters.Select(p => p.parameter.grad?.clone()).ToList();
        _built.Model.zero_grad();
        LanguageModelLoss.AnswerCrossEntropy(_built.Model.ForwardSupervised(batch).Logits, batch.Labels).backward();

        fullGradients.Count(g => g is not null).Should().BeGreaterThan(10);
        for (int i = 0; i < parameters.Count; i++)
        {
            var (name, parameter) = parameters[i];
            (parameter.grad is null).Should().Be(fullGradients[i] is null, name);
            if (parameter.grad is not null)
                allclose(parameter.grad, fullGradients[i]!, rtol: 1e-5, atol: 1e-7).Should().BeTrue(name);
        }
        _built.Model.zero_grad();
    }

    [Fact]
    public void Evaluator_loss_and_accuracy_equal_the_full_logits_computation()
    {
        var samples = _splits.Pretrain.Concat(_splits.Eval.Take(20)).ToList();
        double lossSum = 0;
        long tokens = 0;
        int right = 0;
        _built.Model.eval();
        using (var noGrad = no_grad())
        using (var scope = NewDisposeScope())
        {
            foreach (var chunk in samples.Chunk(16))
            {
                using var batch = _collator.Collate(chunk, CPU);
                Tensor full = _built.Model.Forward(batch).Logits;
                Tensor supervised = batch.Labels.ne(BatchCollator.IgnoredLabel);
                long count = supervised.sum().item<long>();
                lossSum += LanguageModelLoss.CrossEntropy(full, batch.Labels).item<float>() * count;
                tokens += count;
                right += (int)full.argmax(-1).ne(batch.Labels).logical_and(supervised).any(1).logical_not().sum().item<long>();
            }
        }

        var result = new Evaluator(_built.Model, _collator, CPU, 16).Evaluate(samples);

        right.Should().BeInRange(1, samples.Count - 1, "the check needs samples both right and wrong");
        result.Accuracy.Should().Be((double)right / samples.Count);
        result.Loss.Should().BeApproximately(lossSum / tokens, 1e-5);
    }
}
