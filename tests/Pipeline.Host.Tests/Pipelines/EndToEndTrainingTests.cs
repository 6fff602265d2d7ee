using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Pipelines;

public sealed class EndToEndTrainingTests
{
    private static bool Has(JsonElement record, string name) => record.TryGetProperty(name, out _);

    [Fact]
    public void A_tiny_two_stage_pipeline_trains_its_loss_falls_and_it_writes_metrics()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        var result = PipelineRunner.Train(definition, _ => { });

        var records = File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var pretrainLosses = records.Where(r => r.GetProperty("kind").GetString() == "train" && r.GetProperty("stage").GetString() == "pretrain")
            .Select(r => r.GetProperty("loss").GetDouble()).ToList();
        pretrainLosses.Should().HaveCount(6);
        pretrainLosses.Last().Should().BeLessThan(pretrainLosses.First() * 0.8, "pretraining must learn: losses were {0}", string.Join(", ", pretrainLosses));

        var evaluations = records.Where(r => r.GetProperty("kind").GetString() == "eval").ToList();
        evaluations.Select(r => r.GetProperty("stage").GetString()).Should().Equal("pretrain", "instruct");
        evaluations.Should().OnlyContain(r => Has(r, "accuracy_image") && Has(r, "accuracy_audio") && Has(r, "accuracy_text"));
        records.Where(r => r.GetProperty("kind").GetString() == "train" && r.GetProperty("stage").GetString() == "instruct")
            .Should().OnlyContain(r => Has(r, "lr_encoder") && Has(r, "lr_llm"));

        result.Stages.Select(s => s.Steps).Should().Equal(30, 10);
        result.Stages.Should().OnlyContain(s => s.Evaluation != null && s.Evaluation.Samples == 30);
        File.Exists(Path.Combine(pipeline.OutputDirectory, "summary.json")).Should().BeTrue();
        File.Exists(Path.Combine(pipeline.OutputDirectory, "tokenizer.words.json")).Should().BeTrue();
    }

    [Fact]
    public void The_instruction_stage_trains_only_adapters_and_projectors()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["stages.1.steps=1", "stages.0.steps=1"]);
        var (tokenizer, _) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, TorchSharp.torch.CPU);

        var trainable = built.Inventory.Select(["adapters", "projectors"], ["vision", "audio"]);

        trainable.Select(p => p.Name).Should().OnlyContain(n => n.StartsWith("projectors.") || n.Contains(".lora."));
        trainable.Count(p => p.Name.Contains(".lora.lora_A.")).Should().Be(2, "rank-4 LoRA on q_proj and v_proj of one layer");
        built.Model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()).Should().Be(trainable.Sum(p => p.Parameter.numel()));
    }

    [Fact]
    public void A_run_without_checkpoints_rerun_into_the_same_output_directory_keeps_the_earlier_metrics()
    {
        using var pipeline = new TinyPipeline();
        // With checkpoints (the default) the second run would be refused: see ResumeRefusalTests.
        var overrides = new[] { "stages.0.steps=2", "stages.1.steps=1", "data.synthetic.eval_per_category=2", "run.checkpoint.enabled=false" };

        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, overrides), _ => { });
        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, overrides), _ => { });

        Directory.GetFiles(pipeline.OutputDirectory, "metrics*.jsonl").Should().HaveCount(2);
    }
}
