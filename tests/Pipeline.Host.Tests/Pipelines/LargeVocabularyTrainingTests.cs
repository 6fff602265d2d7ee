using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Support;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// The quickstart-sized model with a 32,000-entry <c>tokenizer.json</c> and samples of 1,024 tokens trains through the
/// real pipeline, and its language-model head materialises logits for the supervised positions only.
/// </summary>
public sealed class LargeVocabularyTrainingTests : IDisposable
{
    private static readonly LongSequenceRun.Sizes Sizes = new(Vocabulary: 32_000, SequenceTokens: 1024, TrainSamples: 4, EvalSamples: 2, BatchSize: 2, Steps: 6);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-vocab-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void A_32000_token_vocabulary_trains_on_1024_token_samples_and_the_loss_falls()
    {
        string yaml = LongSequenceRun.Write(_folder, Sizes);
        var log = new List<string>();

        var result = PipelineRunner.Train(PipelineLoader.Load(yaml), log.Add);

        log.Should().Contain(line => line.Contains("vocabulary 32000"));
        var losses = File.ReadLines(Path.Combine(_folder, "out", "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("kind").GetString() == "train")
            .Select(r => r.GetProperty("loss").GetDouble()).ToList();
        losses.Should().HaveCount(Sizes.Steps).And.OnlyContain(l => double.IsFinite(l));
        losses[0].Should().BeGreaterThan(Math.Log(32_000) - 1, "an untrained model is about uniform over the vocabulary");
        losses[^1].Should().BeLessThan(losses[0] - 1);
        result.Stages[0].Evaluation!.Samples.Should().Be(Sizes.EvalSamples);
    }

    [Fact]
    public void Logits_are_materialised_for_the_supervised_positions_only()
    {
        var definition = PipelineLoader.Load(LongSequenceRun.Write(_folder, Sizes));
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var collator = new BatchCollator(tokenizer, built.Model, built.Model.Llm.Options.MaxSequenceLength);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = collator.Collate(splits.Train.Take(2).ToList(), CPU);

        Tensor logits = built.Model.ForwardSupervised(batch).Logits;

        long supervised = batch.Labels.ne(BatchCollator.IgnoredLabel).sum().item<long>();
        batch.InputIds.shape.Should().Equal(2, 1024);
        supervised.Should().BeInRange(4, 10, "two short answers and their end-of-sequence tokens");
        logits.shape.Should().Equal(supervised, 32_000);
    }
}
