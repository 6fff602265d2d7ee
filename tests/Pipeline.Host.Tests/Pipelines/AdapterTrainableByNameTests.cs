using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>A stage's <c>trainable</c> may name one adapter instance; adapter names that would be ambiguous there are refused at load.</summary>
public sealed class AdapterTrainableByNameTests
{
    private const string TwoAdapters = """
          adapters:
            - plugin: lora
              name: first
              options: { rank: 4, alpha: 8, dropout: 0.0, targets: { llm: [q_proj, v_proj] } }
            - plugin: lora
              name: second
              options: { rank: 4, alpha: 8, dropout: 0.0, targets: { llm: [q_proj, v_proj] } }
        """;

    /// <summary>The tiny pipeline with its adapters replaced by <paramref name="adapters"/> (a <c>model.adapters</c> block).</summary>
    private static string WithAdapters(string adapters)
    {
        string yaml = TinyPipeline.Yaml;
        int start = yaml.IndexOf("  adapters:", StringComparison.Ordinal);
        return yaml[..start] + adapters.TrimEnd() + "\n" + yaml[yaml.IndexOf("data:", StringComparison.Ordinal)..];
    }

    [Fact]
    public void A_stage_that_names_one_adapter_trains_that_adapters_parameters_and_nothing_else()
    {
        using var pipeline = new TinyPipeline(WithAdapters(TwoAdapters));
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["data.synthetic.train_per_category=4", "data.synthetic.eval_per_category=1"]);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var _ = splits;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        using var metrics = new MetricsWriter(Path.Combine(pipeline.Directory, "metrics.jsonl"));
        var stage = definition.Config.Stages[1] with { Trainable = ["first"], Steps = 3, BatchSize = 4, Evaluate = false };
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = CPU, Seed = 1,
            Collator = new BatchCollator(tokenizer, built.Model, 48), EvalBatchSize = 4, LogEvery = 1, Metrics = metrics, PrefetchBatches = 0,
            CreateSchedule = (selection, context) => PipelineRunner.CreateSchedule(definition, selection, context),
            Activity = new AdapterActivity([stage], built.Adapters.Select(a => a.Name)), Adapters = built.Adapters,
        };
        using var scope = NewDisposeScope();
        var initial = built.Inventory.All.ToDictionary(p => p.Name, p => p.Parameter.detach().clone());

        new StageTrainer(session).Run(stage, 0);

        var changed = built.Inventory.All.Where(p => !p.Parameter.equal(initial[p.Name]).all().item<bool>()).Select(p => p.Name).ToList();
        var first = built.Inventory.All.Select(p => p.Name).Where(n => n.Split('.').Contains("first")).ToList();
        first.Should().HaveCount(4, "lora_A and lora_B on q_proj and v_proj");
        changed.Should().BeEquivalentTo(first, "only 'first' trains; 'second', the LLM, the encoders and the projectors keep their values");
        built.Inventory.All.Where(p => p.Parameter.requires_grad).Select(p => p.Name).Should().BeEquivalentTo(first);
    }

    [Theory]
    [InlineData("vision", "an encoder's name")]
    [InlineData("projectors", "a trainable group")]
    public void An_adapter_named_like_an_encoder_or_a_trainable_group_is_refused_at_its_entry(string name, string what)
    {
        using var pipeline = new TinyPipeline(WithAdapters(TwoAdapters.Replace("name: second", $"name: {name}")));

        var act = () => PipelineLoader.Load(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml").Should().Be(
            $"pipeline.yaml:19:7: model.adapters[1]: the adapter's name '{name}' is also {what}, so stages[].trainable could not tell them apart; give the adapter a different 'name'");
    }
}
