using System.Globalization;
using System.Text.Json;
using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>
/// A matrix output folder written by hand, without training: <c>matrix.json</c> and, per cell, <c>cell.json</c>,
/// <c>summary.json</c> (stages <c>pretrain</c> of 20 steps and <c>instruct</c> of 30, both evaluated at their end) and a
/// <c>metrics.jsonl</c> whose accuracy rises linearly within each stage to that stage's end value.
/// </summary>
internal sealed class FakeMatrixFolder : IDisposable
{
    public FakeMatrixFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), $"pipeline-matrix-summary-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string CellDirectory(string name) => Path.Combine(Root, "cells", name);

    /// <summary>Writes <c>matrix.json</c> for the cells (each given by its labels, in axis order) and the summary settings.</summary>
    public MatrixManifest WriteManifest(IReadOnlyList<string> axes, IReadOnlyList<string[]> cells, SummarySettings? summary)
    {
        var manifest = new MatrixManifest
        {
            Name = "sweep", Axes = [.. axes], Summary = summary,
            Cells = cells.Select((labels, i) => new MatrixManifest.ManifestCell(i, Name(axes, labels),
                axes.Zip(labels).ToDictionary(p => p.First, p => p.Second))).ToList(),
        };
        manifest.Write(Root);
        return manifest;
    }

    public static string Name(IReadOnlyList<string> axes, IReadOnlyList<string> labels) => string.Join(",", axes.Zip(labels).Select(p => $"{p.First}={p.Second}"));

    /// <summary>A finished cell: pretrain ends at <paramref name="pretrainText"/> text accuracy (overall 0.3), instruct at
    /// overall <paramref name="accuracy"/> (text 0.9, image 0.6); evaluations every 10 steps, with a <c>stat_</c> key in each.</summary>
    public void Finished(string name, double accuracy, double pretrainText = 0.4, double wallSeconds = 100)
    {
        string directory = CellDirectory(name);
        Directory.CreateDirectory(directory);
        new CellRecord { Name = name, Status = CellStatus.Finished }.Write(directory);
        var summary = new
        {
            elapsed_seconds = wallSeconds,
            stages = new object[]
            {
                new { stage = "pretrain", steps = 20, final_loss = 1.5, trainable_parameters = 100, accuracy = 0.3,
                      accuracy_by_category = new Dictionary<string, double> { ["text"] = pretrainText }, eval_loss = 1.4 },
                new { stage = "instruct", steps = 30, final_loss = 0.5, trainable_parameters = 40, accuracy,
                      accuracy_by_category = new Dictionary<string, double> { ["image"] = 0.6, ["text"] = 0.9 }, eval_loss = 0.7 },
            },
        };
        File.WriteAllText(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary));
        var lines = new List<string>();
        foreach (var (stage, steps, end) in new[] { ("pretrain", 20, 0.3), ("instruct", 30, accuracy) })
            for (int step = 10; step <= steps; step += 10)
            {
                lines.Add(Invariant($$"""{"kind":"train","stage":"{{stage}}","step":{{step}},"loss":{{2.0 / step}},"tokens_per_second":500}"""));
                // A periodic evaluation on a subset, except at the stage's end, which is on the whole split.
                string subset = step < steps ? ",\"subset\":true" : "";
                lines.Add(Invariant($$"""{"kind":"eval","stage":"{{stage}}","step":{{step}},"eval_loss":1,"accuracy":{{end * step / steps}},"accuracy_text":0.1,"stat_answer_tokens_mean":7.5,"samples":9{{subset}}}"""));
            }
        File.WriteAllLines(Path.Combine(directory, "metrics.jsonl"), lines);
    }

    /// <summary>A cell whose run failed with <paramref name="error"/>.</summary>
    public void Failed(string name, string error)
    {
        string directory = CellDirectory(name);
        Directory.CreateDirectory(directory);
        new CellRecord { Name = name, Status = CellStatus.Failed, Error = error }.Write(directory);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
