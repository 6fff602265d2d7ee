using Pipeline.Host.Data;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Checkpoints;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// Batches prepared ahead on the background thread are the batches the step would have prepared itself, in order; a
/// batch that cannot be prepared fails when the step reaches it, naming the sample.
/// </summary>
public sealed class BatchPrefetcherTests
{
    private static (BatchCollator Collator, DataSplits Splits, BuiltModel Built) Tiny(string configPath)
    {
        var definition = PipelineLoader.Load(configPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        return (new BatchCollator(tokenizer, built.Model, built.Model.Llm.Options.MaxSequenceLength), splits, built);
    }

    [Fact]
    public void Background_batches_equal_batches_prepared_on_the_calling_thread()
    {
        using var pipeline = new TinyPipeline();
        var (collator, splits, built) = Tiny(pipeline.ConfigPath);
        using var _ = built;
        var order = new SampleOrder(splits.Train.Count, seed: 4);
        using var inline = new BatchPrefetcher(collator, splits.Train, order.UpcomingBatches(16), capacity: 0);
        using var ahead = new BatchPrefetcher(collator, splits.Train, order.UpcomingBatches(16), capacity: 3);

        // 20 batches of 16 from 120 samples: the order wraps into new epochs twice.
        for (int b = 0; b < 20; b++)
        {
            var indices = order.Next(16);
            var expected = inline.Next(indices);
            var actual = ahead.Next(indices);
            actual.Samples.Select(s => s.Id).Should().Equal(indices.Select(i => splits.Train[i].Id));
            (actual.Length, actual.Ids, actual.Labels, actual.Mask).Should().BeEquivalentTo((expected.Length, expected.Ids, expected.Labels, expected.Mask),
                o => o.WithStrictOrdering());
            actual.Media.Keys.Should().BeEquivalentTo(expected.Media.Keys);
        }
    }

    [Fact]
    public void Asking_for_other_samples_than_the_prefetched_ones_is_an_error()
    {
        using var pipeline = new TinyPipeline();
        var (collator, splits, built) = Tiny(pipeline.ConfigPath);
        using var _ = built;
        using var batches = new BatchPrefetcher(collator, splits.Train, [[0, 1], [2, 3]], capacity: 2);

        batches.Next([0, 1]);
        var act = () => batches.Next([3, 2]);

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("the prefetched batch does not hold the samples the step asked for; the sample order and the prefetch order diverged");
    }

    [Fact]
    public void A_media_file_that_vanished_after_the_check_fails_its_batch_naming_the_sample()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        var (collator, splits, built) = Tiny(data.ConfigPath);
        using var _ = built;
        File.Delete(data.Media("red.png"));
        using var batches = new BatchPrefetcher(collator, splits.Train, [[2], [1], [0]], capacity: 2);

        batches.Next([2]).Samples.Single().Id.Should().Be("txt-1");
        batches.Next([1]).Samples.Single().Id.Should().Be("aud-1");
        var act = () => batches.Next([0]);

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().StartWith($"{data.TrainJson}:2: sample 'img-1' (item 0): ").And.Contain("red.png");
    }

    [Fact]
    public void A_run_prepares_the_same_batches_with_and_without_the_background_thread()
    {
        using var ahead = new TinyPipeline(TinyPipeline.Yaml.Replace("  eval_batch_size: 32\n", "  eval_batch_size: 32\n  prefetch_batches: 4\n"));
        using var inline = new TinyPipeline(TinyPipeline.Yaml.Replace("  eval_batch_size: 32\n", "  eval_batch_size: 32\n  prefetch_batches: 0\n"));

        PipelineRunner.Train(PipelineLoader.Load(ahead.ConfigPath), _ => { });
        PipelineRunner.Train(PipelineLoader.Load(inline.ConfigPath), _ => { });

        RunFiles.Metrics(ahead.OutputDirectory).Should().Equal(RunFiles.Metrics(inline.OutputDirectory));
    }
}
