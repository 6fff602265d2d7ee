using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Composition;

namespace Pipeline.Host.Tests.Pipelines;

public sealed class ReducedPrecisionTrainingTests
{
    [Fact]
    public void The_quickstart_model_with_a_bfloat16_base_trains_its_adapters_and_their_loss_falls()
    {
        string output = Path.Combine(Path.GetTempPath(), "pipeline-bf16-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The quickstart's model, adapters and stages with less data and fewer, smaller steps.
            var definition = PipelineLoader.Load(Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples", "quickstart.yaml"),
            [
                "model.dtype=bfloat16", $"run.output_dir={output}", "run.log_every=5", "run.checkpoint.enabled=false",
                "data.synthetic.pretrain_per_category=40", "data.synthetic.train_per_category=40", "data.synthetic.eval_per_category=4",
                "stages.0.steps=15", "stages.0.batch_size=16", "stages.0.evaluate=false",
                "stages.1.steps=20", "stages.1.batch_size=16", "stages.1.scheduler.options.warmup_steps=2",
            ]);
            var log = new List<string>();

            var result = PipelineRunner.Train(definition, log.Add);

            log.Should().Contain("stage 'instruct': frozen weights stored as llm bfloat16, vision bfloat16, audio bfloat16");
            log.Should().NotContain(line => line.StartsWith("stage 'pretrain': frozen weights", StringComparison.Ordinal), "pretraining trains every base weight");
            var losses = File.ReadAllLines(Path.Combine(output, "metrics.jsonl")).Select(line => JsonDocument.Parse(line).RootElement)
                .Where(r => r.GetProperty("kind").GetString() == "train" && r.GetProperty("stage").GetString() == "instruct")
                .Select(r => r.GetProperty("loss").GetDouble()).ToList();
            losses.Should().HaveCount(4).And.OnlyContain(loss => double.IsFinite(loss));
            losses[^1].Should().BeLessThan(losses[0] * 0.8, "LoRA on a bfloat16 base must learn: losses were {0}", string.Join(", ", losses));
            result.Stages[1].Evaluation!.Samples.Should().Be(12);
        }
        finally
        {
            try { Directory.Delete(output, recursive: true); } catch (IOException) { }
        }
    }
}
