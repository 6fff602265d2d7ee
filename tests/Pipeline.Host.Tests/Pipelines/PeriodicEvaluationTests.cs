using System.Text.Json.Nodes;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>Evaluations every <c>eval_every</c> steps, on a fixed subset of the held-out split with <c>eval_samples</c>.</summary>
public sealed class PeriodicEvaluationTests
{
    /// <summary>30 held-out samples (10 per category); stage 0 takes 4 steps, stage 1 takes 6.</summary>
    private static readonly string[] Short =
        ["stages.0.steps=4", "stages.1.steps=6", "run.log_every=1", "run.checkpoint.enabled=false"];

    private static List<JsonObject> Records(TinyPipeline pipeline, string kind) =>
        File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(r => (string?)r["kind"] == kind)
            .ToList();

    private static string Describe(JsonObject eval) =>
        $"{eval["stage"]} {eval["step"]} {eval["samples"]}{(eval.ContainsKey("subset") ? $" subset {eval["subset"]}" : "")}";

    [Fact]
    public void Evaluations_run_at_every_eval_every_steps_on_the_subset_and_at_the_stage_end_on_the_whole_split()
    {
        using var pipeline = new TinyPipeline();
        var log = new List<string>();
        string[] overrides = [.. Short, "stages.0.eval_every=3", "stages.1.eval_every=2", "stages.1.eval_samples=12"];

        var result = PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, overrides), log.Add);

        Records(pipeline, "eval").Select(Describe).Should().Equal(
            "pretrain 3 30", "pretrain 4 30",
            "instruct 2 12 subset true", "instruct 4 12 subset true", "instruct 6 30");
        result.Stages.Select(s => s.Evaluation!.Samples).Should().Equal(30, 30);
        log.Should().Contain("stage 'instruct': the evaluations every 2 steps use the same 12 of the 30 held-out samples (eval_samples); the stage-end evaluation uses them all");
        log.Should().Contain(line => line.StartsWith("[instruct] eval at step 2 on 12 samples: loss "));
    }

    [Fact]
    public void Eval_samples_at_least_the_split_size_evaluates_on_the_whole_split_and_says_so()
    {
        using var pipeline = new TinyPipeline();
        var log = new List<string>();
        string[] overrides = [.. Short, "stages.1.eval_every=3", "stages.1.eval_samples=500"];

        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, overrides), log.Add);

        Records(pipeline, "eval").Select(Describe).Should().Equal("pretrain 4 30", "instruct 3 30", "instruct 6 30");
        log.Should().Contain("stage 'instruct': eval_samples 500 is not less than the 30 held-out samples; the evaluations every 3 steps use them all");
    }

    [Fact]
    public void Evaluating_during_training_changes_nothing_in_the_training()
    {
        using var plain = new TinyPipeline();
        using var evaluated = new TinyPipeline();
        // LoRA dropout draws from the generator training uses: an evaluation must not draw from it.
        string[] withDropout = [.. Short, "model.adapters.0.options.dropout=0.1"];
        string[] often = [.. withDropout, "stages.0.eval_every=1", "stages.1.eval_every=1", "stages.1.eval_samples=7"];

        var plainResult = PipelineRunner.Train(PipelineLoader.Load(plain.ConfigPath, withDropout), _ => { });
        var evaluatedResult = PipelineRunner.Train(PipelineLoader.Load(evaluated.ConfigPath, often), _ => { });

        static IEnumerable<string> Training(TinyPipeline pipeline) => Records(pipeline, "train").Select(r =>
        {
            r.Remove("tokens_per_second");
            return r.ToJsonString();
        });
        Training(evaluated).Should().Equal(Training(plain));
        Records(evaluated, "eval").Should().HaveCount(10);
        evaluatedResult.Stages.Select(s => s.Evaluation).Should().BeEquivalentTo(plainResult.Stages.Select(s => s.Evaluation));
    }

    private static string ErrorOf(string yaml)
    {
        using var pipeline = new TinyPipeline(yaml);
        var act = () => PipelineLoader.Load(pipeline.ConfigPath);
        return act.Should().Throw<ConfigException>().Which.Message.Replace(pipeline.ConfigPath, "pipeline.yaml");
    }

    private static string WithInstructKeys(string keys) =>
        TinyPipeline.Yaml.Replace("    steps: 10\n", "    steps: 10\n" + string.Join("", keys.Split(';').Select(k => $"    {k.Trim()}\n")));

    [Fact]
    public void A_negative_eval_samples_is_a_configuration_error_naming_the_key()
    {
        ErrorOf(WithInstructKeys("eval_every: 2; eval_samples: -5")).Should().Be("pipeline.yaml:38:19: stages[1].eval_samples: must not be negative, got -5");
    }

    [Fact]
    public void A_negative_eval_every_is_a_configuration_error_naming_the_key()
    {
        ErrorOf(WithInstructKeys("eval_every: -1")).Should().Be("pipeline.yaml:37:17: stages[1].eval_every: must not be negative, got -1");
    }
}
