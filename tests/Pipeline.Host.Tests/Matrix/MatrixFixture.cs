using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>
/// Hand-made matrix results over adapter x schedule, with cell run directories under a temporary folder holding small
/// <c>metrics.jsonl</c> files (two stages: <c>pretrain</c> of 20 steps, <c>instruct</c> of 30).
/// </summary>
internal sealed class MatrixFixture : IDisposable
{
    public MatrixFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), $"pipeline-matrix-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
    }

    /// <summary>The matrix's output directory.</summary>
    public string Root { get; }

    public static readonly IReadOnlyList<string> Axes = ["adapter", "schedule"];

    public static readonly IReadOnlyList<string> Categories = ["image", "text"];

    /// <summary>Every metric of a finished cell, overall accuracy <paramref name="accuracy"/> (the final loss is
    /// 0.1 + 0.2, a double whose shortest exact text is 0.30000000000000004).</summary>
    public static Dictionary<string, double> FinishedMetrics(double accuracy) => new()
    {
        [MatrixMetrics.Accuracy] = accuracy, ["accuracy_image"] = 0.5, ["accuracy_text"] = 0.95,
        [MatrixMetrics.EvalLoss] = 0.41372, [MatrixMetrics.FinalLoss] = 0.1 + 0.2, [MatrixMetrics.Steps] = 50,
        [MatrixMetrics.TrainableParameters] = 1204224, [MatrixMetrics.WallSeconds] = 93.4, [MatrixMetrics.TokensPerSecond] = 1234.5678,
    };

    /// <summary>A cell named from its labels, its run directory under <c>cells/</c> (not created).</summary>
    public CellResult Cell(int index, string adapter, string schedule, CellStatus status, IReadOnlyDictionary<string, double>? metrics = null, string? error = null)
    {
        string name = $"adapter={adapter},schedule={schedule}";
        return new CellResult(index, name, [new("adapter", adapter), new("schedule", schedule)], status, error,
            metrics ?? new Dictionary<string, double>(), Path.Combine(Root, "cells", name));
    }

    /// <summary>Writes a two-stage <c>metrics.jsonl</c> into the cell's run directory: loss falling from
    /// <paramref name="startLoss"/>, held-out accuracy rising to <paramref name="finalAccuracy"/>.</summary>
    public CellResult WithMetricsLog(CellResult cell, double startLoss, double finalAccuracy)
    {
        Directory.CreateDirectory(cell.RunDirectory);
        var lines = new List<string>();
        foreach (var (stage, steps) in new[] { ("pretrain", 20), ("instruct", 30) })
        {
            for (int step = 5; step <= steps; step += 5)
            {
                double loss = startLoss / (1 + 0.05 * step) + (stage == "instruct" ? 0.5 : 0);
                lines.Add(FormattableString.Invariant($$"""{"kind":"train","stage":"{{stage}}","step":{{step}},"loss":{{loss}},"tokens_per_second":900}"""));
                double accuracy = stage == "pretrain" ? 0 : finalAccuracy * step / steps;
                if (step % 10 == 0)
                    lines.Add(FormattableString.Invariant($$"""{"kind":"eval","stage":"{{stage}}","step":{{step}},"eval_loss":{{2 - accuracy}},"accuracy":{{accuracy}},"samples":30}"""));
            }
        }
        File.WriteAllLines(Path.Combine(cell.RunDirectory, "metrics.jsonl"), lines);
        return cell;
    }

    public static MatrixResults Results(IReadOnlyList<CellResult> cells, BaselineComparison? comparison = null) =>
        new("demo", Axes, Categories, cells, comparison);

    /// <summary>A check of <paramref name="metric"/> with an absolute tolerance.</summary>
    public static MetricCheck Check(CellResult cell, string metric, MetricDirection direction, double tolerance, double baseline, double measured) =>
        new(cell.Name, new MetricTolerance(metric, direction, tolerance, 0), baseline, measured);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
