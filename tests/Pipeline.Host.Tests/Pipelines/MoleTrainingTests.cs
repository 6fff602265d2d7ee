using System.Text.Json;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Matrix;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Reporting;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>The <c>mole</c> adapter plugin, discovered and configured from YAML, inside the host's model and trainer.</summary>
public sealed class MoleTrainingTests
{
    /// <summary>The tiny pipeline with two decoder layers and MoLE (3 experts, rank 4) in place of LoRA.</summary>
    public static readonly string Yaml = TinyPipeline.Yaml
        .Replace("intermediate_size: 64, layers: 1", "intermediate_size: 64, layers: 2")
        .Replace("""
                - plugin: lora
                  options:
                    rank: 4
                    alpha: 8
                    dropout: 0.0
                    targets:
                      llm: [q_proj, v_proj]
            """, """
                - plugin: mole
                  options:
                    experts: 3
                    rank: 4
                    alpha: 8
                    dropout: 0.0
                    lora_targets:
                      llm: [q_proj, v_proj]
            """);

    [Fact]
    public void The_instruction_stage_trains_the_experts_routers_and_lora_and_its_loss_falls()
    {
        Yaml.Should().Contain("plugin: mole");
        using var pipeline = new TinyPipeline(Yaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath, [
            "stages.0.steps=15", "stages.0.evaluate=false", "stages.1.steps=30", "stages.1.learning_rate.llm=1.0e-2",
            "stages.1.learning_rate.encoder=1.0e-2", "data.synthetic.eval_per_category=4"]);

        var result = PipelineRunner.Train(definition, _ => { });

        var instructLosses = File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("kind").GetString() == "train" && r.GetProperty("stage").GetString() == "instruct")
            .Select(r => r.GetProperty("loss").GetDouble()).ToList();
        instructLosses.Should().HaveCount(6);
        instructLosses.Last().Should().BeLessThan(instructLosses.First() * 0.8, "instruction tuning must learn: losses were {0}", string.Join(", ", instructLosses));
        result.Stages.Should().OnlyContain(s => double.IsFinite(s.FinalLoss));
    }

    [Fact]
    public void Evaluations_report_each_categorys_expert_shares_per_layer_and_pooled_in_the_metrics_and_the_summary()
    {
        using var pipeline = new TinyPipeline(Yaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath, [
            "stages.0.steps=2", "stages.1.steps=3", "stages.1.eval_every=2", "data.synthetic.eval_per_category=3"]);

        PipelineRunner.Train(definition, _ => { });

        string[] categories = ["audio", "image", "text"];
        string[] statistics = ["mole_experts", "mole_layer0_experts", "mole_layer1_experts"];
        string[] expected = [.. statistics.SelectMany(name => new[] { $"stat_{name}" }.Concat(categories.Select(c => $"stat_{name}_{c}"))
            .SelectMany(prefix => Enumerable.Range(0, 3).Select(k => $"{prefix}_{k}")))];
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(pipeline.OutputDirectory, "summary.json")));
        var stages = summary.RootElement.GetProperty("stages").EnumerateArray().ToList();
        stages[0].GetProperty("statistics").EnumerateObject().Should().BeEmpty("MoLE is off in the stage before the first that trains it");
        var means = stages[1].GetProperty("statistics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        means.Keys.Should().Equal(expected);
        means.Values.Should().OnlyContain(v => v >= 0 && v <= 1);
        foreach (var prefix in statistics.SelectMany(name => new[] { $"stat_{name}" }.Concat(categories.Select(c => $"stat_{name}_{c}"))))
            Enumerable.Range(0, 3).Sum(k => means[$"{prefix}_{k}"]).Should().BeApproximately(1, 1e-6, "{0} is a share per expert", prefix);

        var evaluations = File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(r => r.GetProperty("kind").GetString() == "eval" && r.GetProperty("stage").GetString() == "instruct").ToList();
        evaluations.Select(r => r.GetProperty("step").GetInt64()).Should().Equal(2, 3);
        foreach (var evaluation in evaluations)
            evaluation.EnumerateObject().Select(p => p.Name).Should().Contain(expected, "every evaluation collects them");
        foreach (var key in expected) evaluations[^1].GetProperty(key).GetDouble().Should().Be(means[key], key);

        // Readers that pick categories out of eval keys and the summary still find exactly the three categories.
        var matrixMetrics = MatrixResultsReader.MetricsOf(pipeline.OutputDirectory);
        matrixMetrics.Keys.Where(k => k.StartsWith(MatrixMetrics.AccuracyPrefix, StringComparison.Ordinal))
            .Should().BeEquivalentTo(categories.Select(c => MatrixMetrics.AccuracyPrefix + c));
        matrixMetrics.Keys.Should().OnlyContain(k => MatrixMetrics.IsKnown(k));
        MetricsPlotter.ChartsOf(MetricsLog.Read(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl")))
            .Single(c => c.FileName == "accuracy.png").Series.Select(s => s.Name).Distinct()
            .Should().BeEquivalentTo([MetricsPlotter.Overall, .. categories]);
    }

    [Fact]
    public void An_expert_target_that_matches_nothing_is_a_configuration_error_at_the_pattern()
    {
        using var pipeline = new TinyPipeline(Yaml.Replace("experts: 3", "experts: 3\n        expert_targets: { llm: [ffn] }"));
        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        var act = () => ModelFactory.Build(definition, 100, META);

        act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml")
            .Should().Be("pipeline.yaml:19:33: adapter 'mole': target pattern 'ffn' matches nothing in component 'llm'");
    }

    [Fact]
    public void A_misspelt_dispatch_lists_the_choices()
    {
        using var pipeline = new TinyPipeline(Yaml.Replace("experts: 3", "experts: 3\n        dispatch: spares"));

        var act = () => PipelineLoader.Load(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml")
            .Should().Be("pipeline.yaml:19:19: model.adapters[0].options.dispatch: expected one of sparse, dense, got 'spares' (did you mean 'sparse'?)");
    }

    [Fact]
    public void Adapter_parameters_are_the_routers_the_experts_and_the_lora_deltas_with_their_documented_names()
    {
        using var pipeline = new TinyPipeline(Yaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var (tokenizer, _) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);

        var trainable = built.Inventory.Select(["adapters"], ["vision", "audio"]).Select(p => p.Name).ToList();

        trainable.Should().Contain([
            "llm.model.layers.1.mlp.mole.router.weight", "llm.model.layers.1.mlp.mole.router.bias",
            "llm.model.layers.0.mlp.gate_proj.mole.experts.2.lora_A.weight", "llm.model.layers.0.mlp.down_proj.mole.experts.0.lora_B.weight",
            "llm.model.layers.1.self_attn.v_proj.mole.lora_A.weight"]);
        // Per layer: 2 LoRA deltas x 2, a router's W and b, 3 projections x 3 experts x 2.
        trainable.Should().HaveCount(2 * (4 + 2 + 18));
        built.Adapters.Single().AttachedSites.Should().Contain("llm:model.layers.0.mlp");
    }

    [Fact]
    public void Training_forwards_report_one_balance_loss_and_evaluation_forwards_none()
    {
        using var pipeline = new TinyPipeline(Yaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var collator = new BatchCollator(tokenizer, built.Model, 48);

        var (trainingLosses, evaluationLosses) = FinalizerFence.Run(() =>
        {
            using var scope = NewDisposeScope();
            using var batch = collator.Collate(splits.Train.Take(6).ToList(), CPU);
            built.Model.train();
            var training = built.Model.Forward(batch).AuxiliaryLosses.Select(l => (l.Name, l.Loss.item<float>())).ToList();
            built.Model.eval();
            var evaluation = built.Model.Forward(batch).AuxiliaryLosses.Count;
            return (training, evaluation);
        });

        var (name, value) = trainingLosses.Should().ContainSingle().Subject;
        name.Should().Be("mole.load_balance");
        value.Should().BeInRange(0.01f / 3, 0.01f, "w_bal * L_bal with L_bal between 1/K and 1");
        evaluationLosses.Should().Be(0);
    }

    [Fact]
    public void Live_tensor_count_does_not_grow_over_many_mole_training_steps()
    {
        using var pipeline = new TinyPipeline(Yaml);
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["stages.1.steps=40", "stages.1.evaluate=false", "stages.1.gradient_accumulation=2"]);
        var liveAfterStep = new Dictionary<long, long>();
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        using var metrics = new MetricsWriter(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"));
        var session = new TrainingSession
        {
            Model = built.Model, Inventory = built.Inventory, Splits = splits, Device = CPU, Seed = 1,
            Collator = new BatchCollator(tokenizer, built.Model, 48), EvalBatchSize = 32, LogEvery = 10, Metrics = metrics,
            CreateSchedule = (selection, context) => PipelineRunner.CreateSchedule(definition, selection, context),
            StepCompleted = report => liveAfterStep[report.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount,
        };

        new StageTrainer(session).Run(definition.Config.Stages[1], 1);

        liveAfterStep[40].Should().Be(liveAfterStep[5], "steps 6 to 40 must not leave tensors behind");
    }
}
