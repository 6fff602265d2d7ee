using System.Globalization;
using System.Text.Json;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Reporting;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>The TensorBoard event file of a real tiny run holds exactly what its <c>metrics.jsonl</c> holds.</summary>
public sealed class TensorBoardTrainingTests
{
    /// <summary>Stage 1 under the <c>commit</c> schedule, so the run writes <c>schedule</c> records too.</summary>
    private static readonly string CommitYaml = TinyPipeline.Yaml.Replace("""
            scheduler:
              plugin: warmup_cosine
              options: { warmup_steps: 2 }
        """, """
            scheduler:
              plugin: commit
              options:
                measure_every: 2
                update_every: 4
                base: { plugin: warmup_cosine, options: { warmup_steps: 2 } }
        """);

    /// <summary>Pretrain 4 steps, instruct 6 (global steps 5 to 10), evaluated every 2 steps on 12 held-out samples.</summary>
    private static readonly string[] Short =
    [
        "stages.0.steps=4", "stages.1.steps=6", "run.log_every=2", "run.checkpoint.enabled=false",
        "stages.1.eval_every=2", "stages.1.eval_samples=12",
    ];

    private static readonly HashSet<string> Labels = ["kind", "stage", "step", "subset", "split"];

    /// <summary>The points the documented mapping makes of <c>metrics.jsonl</c>, as <c>tag step value</c> lines.</summary>
    private static List<string> ExpectedPoints(string outputDirectory, IReadOnlyDictionary<string, long> stepsBefore)
    {
        var points = new List<string>();
        foreach (string line in File.ReadAllLines(Path.Combine(outputDirectory, "metrics.jsonl")))
        {
            var record = JsonDocument.Parse(line).RootElement;
            string kind = record.GetProperty("kind").GetString()!;
            string prefix = kind == "data" ? $"data/{record.GetProperty("split").GetString()}"
                : kind == "eval" && record.TryGetProperty("subset", out var subset) && subset.GetBoolean() ? "eval_subset" : kind;
            long step = record.TryGetProperty("step", out var stepValue) ? stepValue.GetInt64() : 0;
            if (record.TryGetProperty("stage", out var stage)) step += stepsBefore[stage.GetString()!];
            foreach (var field in record.EnumerateObject().Where(f => !Labels.Contains(f.Name) && f.Value.ValueKind == JsonValueKind.Number))
                points.Add($"{prefix}/{field.Name} {step} {((float)field.Value.GetDouble()).ToString("R", CultureInfo.InvariantCulture)}");
        }
        return points;
    }

    private static string EventFile(string outputDirectory) =>
        Directory.GetFiles(Path.Combine(outputDirectory, TensorBoardWriter.FolderName)).Should().ContainSingle().Which;

    private static List<string> Points(string eventFile) =>
        TensorBoardEventFile.Read(eventFile)
            .Where(e => e.Event.Summary is not null)
            .SelectMany(e => e.Event.Summary.Value.Select(v => $"{v.Tag} {e.Event.Step} {v.SimpleValue.ToString("R", CultureInfo.InvariantCulture)}"))
            .ToList();

    private static List<long> Steps(List<string> points, string tag) =>
        points.Where(p => p.StartsWith(tag + " ", StringComparison.Ordinal)).Select(p => long.Parse(p.Split(' ')[1], CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void Every_number_of_every_metrics_record_is_a_point_at_the_run_s_global_step()
    {
        using var pipeline = new TinyPipeline(CommitYaml);

        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, Short), _ => { });

        string eventFile = EventFile(pipeline.OutputDirectory);
        TensorBoardEventFile.Read(eventFile)[0].Event.FileVersion.Should().Be("brain.Event:2");
        var points = Points(eventFile);
        points.Should().Equal(ExpectedPoints(pipeline.OutputDirectory, new Dictionary<string, long> { ["pretrain"] = 0, ["instruct"] = 4 }));

        // The same, spelled out for the curves one looks at first.
        Steps(points, "train/loss").Should().Equal(2, 4, 6, 8, 10);
        Steps(points, "train/lr_llm").Should().Equal(2, 4, 6, 8, 10);
        Steps(points, "eval/accuracy").Should().Equal(4, 10);
        Steps(points, "eval/accuracy_image").Should().Equal(4, 10);
        Steps(points, "eval_subset/accuracy").Should().Equal(6, 8);
        Steps(points, "eval_subset/samples").Should().Equal(6, 8);
        Steps(points, "schedule/lr_encoder").Should().Equal(6, 8, 10);
        Steps(points, "schedule/commit_kbar").Should().Equal(6, 8, 10);
        Steps(points, "data/train/samples").Should().Equal(0);
        points.Should().Contain("eval_subset/samples 6 12").And.Contain("eval/samples 10 30");
    }

    [Fact]
    public void A_fresh_run_puts_an_earlier_run_s_event_files_aside_and_run_tensorboard_false_writes_none()
    {
        using var pipeline = new TinyPipeline();
        string[] tiny = ["stages.0.steps=2", "stages.1.steps=2", "stages.0.evaluate=false", "stages.1.evaluate=false", "run.checkpoint.enabled=false"];
        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, tiny), _ => { });
        string firstEventFile = Path.GetFileName(EventFile(pipeline.OutputDirectory));

        PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath, [.. tiny, "run.tensorboard=false"]), _ => { });

        Directory.Exists(Path.Combine(pipeline.OutputDirectory, "tensorboard")).Should().BeFalse();
        string previous = Directory.GetDirectories(pipeline.OutputDirectory, "tensorboard.previous-*").Should().ContainSingle().Which;
        Directory.GetFiles(previous).Select(Path.GetFileName).Should().Equal(firstEventFile);
        Path.GetFileName(previous)["tensorboard.".Length..].Should().Be(
            Path.GetFileName(Directory.GetFiles(pipeline.OutputDirectory, "metrics.previous-*.jsonl").Should().ContainSingle().Which)["metrics.".Length..^".jsonl".Length],
            "the earlier run's metrics and event files are put aside under the same time");
    }
}
