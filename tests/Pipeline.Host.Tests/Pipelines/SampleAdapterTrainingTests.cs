using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Conformance;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Each sample adapter plugin in place of LoRA in the tiny quickstart-shaped pipeline (a pretraining stage, then an
/// instruction stage that trains only the adapter), trained end to end: the held-out loss must fall across the
/// instruction stage, and the training loss within it.
/// </summary>
[Trait("Category", "Build")]
public sealed class SampleAdapterTrainingTests(SampleBuilds samples) : IClassFixture<SampleBuilds>
{
    private const string LoraBlock = """
                - plugin: lora
                  options:
                    rank: 4
                    alpha: 8
                    dropout: 0.0
                    targets:
                      llm: [q_proj, v_proj]
            """;

    /// <summary>Sample folder, its adapter block, and the instruction stage's LLM learning rate (soft tokens want about 100 times more).</summary>
    public static TheoryData<string, string, string> Samples() => new()
    {
        { "Ia3Adapter", "    - plugin: ia3\n      options: { targets: { llm: [k_proj, v_proj, up_proj] } }\n", "1.0e-1" },
        { "PromptTuningAdapter", "    - plugin: prompt_tuning\n      options: { tokens: 8 }\n", "3.0e-1" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Training_only_the_sample_adapter_lowers_the_instruction_loss(string sample, string adapterBlock, string learningRate)
    {
        string yaml = TinyPipeline.Yaml.Replace("run:", $"plugins: [\"{samples.OutputOf(sample)}\"]\nrun:").Replace(LoraBlock, adapterBlock);
        yaml.Should().NotContain("plugin: lora");
        using var pipeline = new TinyPipeline(yaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath, [
            "stages.0.steps=15", "stages.1.steps=30", "stages.1.trainable=[adapters]",
            $"stages.1.learning_rate.llm={learningRate}", "data.synthetic.eval_per_category=4"]);

        var result = PipelineRunner.Train(definition, _ => { });

        // Both stages end with the held-out loss: after stage 1 the adapter is off (no stage trained it yet), after stage 2 trained.
        double before = result.Stages[0].Evaluation!.Loss, after = result.Stages[1].Evaluation!.Loss;
        after.Should().BeLessThan(before * 0.97, "the adapter alone must learn: held-out loss {0} before the instruction stage, {1} after", before, after);
        var instructLosses = File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("kind").GetString() == "train" && r.GetProperty("stage").GetString() == "instruct")
            .Select(r => r.GetProperty("loss").GetDouble()).ToList();
        instructLosses.Should().HaveCount(6).And.OnlyContain(loss => double.IsFinite(loss));
        instructLosses.Last().Should().BeLessThan(instructLosses.First(), "losses were {0}", string.Join(", ", instructLosses));
    }
}
