using System.Text.Json;
using Pipeline.Contracts.Adapters;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Interop;
using Pipeline.Host.Tests.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Samples;

/// <summary>The <c>dora</c> sample plugin configured from YAML, in the host's model and trainer.</summary>
[Collection(DoraSampleCollection.Name)]
[Trait("Category", "Build")]
public sealed class DoraPipelineTests(DoraSampleBuild build)
{
    private static void SetActive(BuiltModel built, string adapter, bool active)
    {
        foreach (var site in built.Model.named_modules().Select(m => m.module).OfType<ISwitchableAdapterSite>()) site.SetActive(adapter, active);
    }

    [Fact]
    public void After_an_earlier_stage_changed_the_weights_activation_makes_the_model_compute_what_the_base_model_computes()
    {
        using var pipeline = new TinyPipeline(build.TinyYaml());
        using var built = TinyModels.Build(pipeline.ConfigPath);
        var adapter = built.Adapters.Single();
        // What a pretraining stage does to the decoder's weights while the adapter is switched off.
        TinyModels.Randomise(built, name => name.StartsWith("llm.", StringComparison.Ordinal) && !built.Inventory.IsAdapter(name), seed: 5);
        SetActive(built, "dora", false);
        using var baseLogits = TinyModels.LlmLogits(built);
        SetActive(built, "dora", true);
        using var stale = TinyModels.LlmLogits(built);

        TinyModels.Run(() => { ((IAdapterActivation)adapter).Activate(); return zeros(1); }).Dispose();
        using var activated = TinyModels.LlmLogits(built);

        adapter.AttachedSites.Should().Equal("llm:model.layers.0.self_attn.q_proj", "llm:model.layers.0.self_attn.v_proj");
        TinyModels.Identical(stale, baseLogits).Should().BeFalse("the magnitudes are still the norms of the weights as built");
        TinyModels.Identical(activated, baseLogits).Should().BeTrue();
    }

    [Fact]
    public void The_instruction_stage_trains_dora_and_its_loss_falls()
    {
        // Shaped like the quickstart: DoRA on all seven projections of the decoder, after a pretraining stage.
        using var pipeline = new TinyPipeline(build.TinyYaml().Replace("llm: [q_proj, v_proj]", "llm: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]"));
        var definition = PipelineLoader.Load(pipeline.ConfigPath, [
            "stages.0.steps=15", "stages.0.evaluate=false", "stages.1.steps=30", "stages.1.learning_rate.llm=1.0e-2",
            "stages.1.learning_rate.encoder=1.0e-2", "data.synthetic.eval_per_category=4"]);
        var log = new List<string>();

        var result = PipelineRunner.Train(definition, log.Add);

        var instructLosses = File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("kind").GetString() == "train" && r.GetProperty("stage").GetString() == "instruct")
            .Select(r => r.GetProperty("loss").GetDouble()).ToList();
        log.Should().Contain("stage 'pretrain': adapter dora off until the first stage that trains it");
        instructLosses.Should().HaveCount(6);
        instructLosses.Last().Should().BeLessThan(instructLosses.First() * 0.8, "instruction tuning must learn: losses were {0}", string.Join(", ", instructLosses));
        result.Stages.Should().OnlyContain(s => double.IsFinite(s.FinalLoss));
    }
}
