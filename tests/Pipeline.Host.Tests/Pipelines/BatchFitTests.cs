using Pipeline.Host.Config.Binding;
using Pipeline.Host.IO;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Batches that cannot be trained are refused before the first step, at their stage's key, with the output directory
/// untouched: a step of more than 100 passes over its split, and a micro-batch that needs more memory than is left. A
/// micro-batch larger than its split trains, with a warning.
/// </summary>
public sealed class BatchFitTests
{
    [Fact]
    public void A_step_of_more_than_100_passes_over_its_split_is_refused_at_gradient_accumulation()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["stages.1.gradient_accumulation=1000"]);

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            "--set stages.1.gradient_accumulation: stages[1].gradient_accumulation: one optimizer step would take batch_size x gradient_accumulation = " +
            "16 x 1000 = 16,000 samples, more than 100 passes over split 'train' (120 samples); a step that repeats every sample that often has the " +
            "gradient of a much smaller one and only takes longer. Lower batch_size or gradient_accumulation");
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void A_batch_size_of_more_than_100_passes_is_refused_at_batch_size_in_the_file()
    {
        using var pipeline = new TinyPipeline(TinyPipeline.Yaml.Replace("    steps: 30\n    batch_size: 16\n", "    steps: 30\n    batch_size: 1000000\n"));

        var act = () => PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath), _ => { });

        act.Should().Throw<ConfigException>().Which.Message.Should().StartWith(
            $"{pipeline.ConfigPath}:31:17: stages[0].batch_size: one optimizer step would take batch_size x gradient_accumulation = 1000000 x 1 = " +
            "1,000,000 samples, more than 100 passes over split 'pretrain' (120 samples)");
    }

    [Fact]
    public void A_micro_batch_larger_than_its_split_trains_with_a_warning()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        var log = new List<string>();

        PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        log.Should().Contain("warning: stages[0].batch_size 16 is larger than split 'pretrain' (3 samples): each micro-batch repeats samples")
            .And.Contain("warning: stages[1].batch_size 16 is larger than split 'train' (3 samples): each micro-batch repeats samples");
    }

    [Fact]
    public void A_micro_batch_that_needs_more_memory_than_is_left_is_refused_with_the_estimate_and_the_limit()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var data = DataPreparation.Read(definition, _ => { });
        using var built = ModelFactory.Build(definition, data.Tokenizer.VocabularySize, CPU);
        var (report, collator) = DataPreparation.Check(definition, data, built.Model, _ => { });
        using var splits = report.Splits;
        var stage = definition.Config.Stages[0];
        double needed = BatchFit.Estimate(stage, splits.Pretrain, built, collator).TotalBytes;

        var enough = () => BatchFit.Check(definition, built, splits, collator, CPU, new AvailableMemory((long)Math.Ceiling(needed) * 2, "a test"), _ => { });
        var tooLittle = () => BatchFit.Check(definition, built, splits, collator, CPU, new AvailableMemory(100_000, "a test's limit"), _ => { });

        enough.Should().NotThrow();
        // By hand, from the pretrain split's 120 samples (764 answer tokens, 1,204 tokens with media): logits 16 x 764/120 x 96 x 8
        // = 78,233.6 bytes; activations 16 x 1204/120 x 1 x (256 + 192) x 4 = 287,675.7; gradients and AdamW state 57,440 x 12 = 689,280.
        tooLittle.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:31:17: stages[0].batch_size: a micro-batch of 16 samples needs at least 1.0 MiB beyond the loaded model " +
            "(logits 0.1 MiB (16 samples x 6.37 answer tokens x 96 vocabulary x 4 bytes x 2), activations 0.3 MiB (16 samples x 10.03 tokens x 1 layers x " +
            "(8 x 32 + 3 x 64) x 4 bytes), gradients and AdamW state 0.7 MiB (57,440 trainable parameters x 12 bytes)), but only 0.1 MiB is available " +
            "(a test's limit). Lower batch_size (raise gradient_accumulation to keep the samples per step), or shorten the samples");
        needed.Should().BeApproximately(16 * 764 / 120.0 * 96 * 8 + 16 * 1204 / 120.0 * 448 * 4 + 689_280, 0.01);
    }
}
