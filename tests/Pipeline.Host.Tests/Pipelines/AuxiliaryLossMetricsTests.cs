using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Checkpoints;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// The auxiliary losses adapters report (MoLE's load-balancing loss) are logged in every <c>train</c> record:
/// <c>aux_loss</c> (their sum) and <c>aux_loss_&lt;name&gt;</c> each, averaged over the record's window like <c>loss</c>.
/// The adapters are off in the pretraining stage (it does not train them), so only the instruction stage reports them.
/// </summary>
public sealed class AuxiliaryLossMetricsTests
{
    private static readonly string[] Short =
    [
        "stages.0.steps=2", "stages.0.evaluate=false", "stages.1.steps=4", "stages.1.evaluate=false", "data.synthetic.eval_per_category=1",
    ];

    private static List<JsonElement> TrainRecords(string yaml, params string[] overrides)
    {
        using var pipeline = new TinyPipeline(yaml);
        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, [.. Short, .. overrides]), _ => { });
        return File.ReadAllLines(Path.Combine(pipeline.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(r => r.GetProperty("kind").GetString() == "train").ToList();
    }

    private static IEnumerable<string> AuxiliaryKeys(JsonElement record) =>
        record.EnumerateObject().Select(p => p.Name).Where(name => name.StartsWith("aux_loss", StringComparison.Ordinal));

    public static TheoryData<string, string, string[]> Adapters => new()
    {
        { "lora", TinyPipeline.Yaml, [] },
        { "mole", MoleTrainingTests.Yaml, ["aux_loss", "aux_loss_mole.load_balance"] },
        { "mole named experts", MoleTrainingTests.Yaml.Replace("- plugin: mole", "- plugin: mole\n      name: experts"), ["aux_loss", "aux_loss_experts.load_balance"] },
        { "mole without balancing", MoleTrainingTests.Yaml.Replace("experts: 3", "experts: 3\n        balance_weight: 0"), [] },
    };

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Every_train_record_logs_the_auxiliary_losses_the_adapters_report(string adapter, string yaml, string[] expected)
    {
        var records = TrainRecords(yaml, "run.log_every=1");

        records.Should().HaveCount(6, adapter);
        foreach (var record in records)
        {
            bool adaptersRun = record.GetProperty("stage").GetString() == "instruct";
            AuxiliaryKeys(record).Should().BeEquivalentTo(adaptersRun ? expected : [], "{0} at {1} step {2}", adapter, record.GetProperty("stage"), record.GetProperty("step"));
            if (expected.Length == 0 || !adaptersRun) continue;
            double total = record.GetProperty("aux_loss").GetDouble();
            total.Should().Be(record.GetProperty(expected[1]).GetDouble(), "one adapter reports one loss");
            total.Should().BeInRange(0.01 / 3, 0.01, "balance_weight * L_bal with L_bal between 1/K and 1 (K = 3 experts)");
        }
    }

    [Fact]
    public void The_auxiliary_loss_is_averaged_over_the_logging_window_like_the_task_loss()
    {
        var everyStep = TrainRecords(MoleTrainingTests.Yaml, "run.log_every=1");
        var everySecond = TrainRecords(MoleTrainingTests.Yaml, "run.log_every=2");

        everySecond.Select(r => r.GetProperty("step").GetInt64()).Should().Equal(2, 2, 4);
        foreach (string key in new[] { "loss", "aux_loss", "aux_loss_mole.load_balance" })
        {
            // everyStep: pretrain 1, 2, instruct 1, 2, 3, 4; everySecond: pretrain 2, instruct 2, 4. The adapters (and their
            // auxiliary loss) run from the instruction stage on.
            int from = key == "loss" ? 0 : 2;
            double[] single = everyStep.Skip(from).Select(r => r.GetProperty(key).GetDouble()).ToArray();
            double[] windows = everySecond.Skip(from / 2).Select(r => r.GetProperty(key).GetDouble()).ToArray();
            double[] expected = Enumerable.Range(0, single.Length / 2).Select(i => (single[2 * i] + single[2 * i + 1]) / 2).ToArray();
            windows.Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(b), key);
        }
    }

    [Fact]
    public void A_run_resumed_in_the_middle_of_a_window_logs_the_same_auxiliary_losses()
    {
        using var pipeline = new TinyPipeline(MoleTrainingTests.Yaml);
        // Checkpoints at global steps 2 (pretrain's end) and 5 (instruct step 3, inside the window of steps 3 and 4).
        string[] overrides = [.. Short, "run.log_every=2", "run.checkpoint.every=3", "run.checkpoint.keep_last=10"];
        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, overrides), _ => { });
        string resumed = Path.Combine(pipeline.Directory, "resumed");
        RunFiles.Copy(pipeline.OutputDirectory, resumed);
        File.WriteAllText(Path.Combine(resumed, "checkpoints", "latest"), "checkpoint-000005\n");

        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, [.. overrides, $"run.output_dir={resumed}"]), _ => { }, resume: true);

        RunFiles.Metrics(resumed).Should().Contain(line => line.Contains("\"aux_loss_mole.load_balance\"") && line.Contains("\"step\":4"));
        RunFiles.ShouldMatch(resumed, pipeline.OutputDirectory);
    }
}
