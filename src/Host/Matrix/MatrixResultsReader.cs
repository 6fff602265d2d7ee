using System.Text.Json;
using Pipeline.Host.Reporting;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Builds a matrix's results from its output directory alone: <c>matrix.json</c> for the cells, and each cell's
/// <c>cell.json</c>, <c>summary.json</c> and <c>metrics.jsonl</c>. The same for a local run and for cells run by
/// Slurm or Kubernetes into a shared directory.
/// </summary>
public static class MatrixResultsReader
{
    /// <summary>The results of every cell the manifest lists, in matrix order (no baseline comparison).</summary>
    public static MatrixResults Read(MatrixManifest manifest, string outputDirectory)
    {
        var targets = manifest.Summary?.Targets ?? [];
        var cells = manifest.Cells.OrderBy(c => c.Index).Select(c => ReadCell(c, outputDirectory, targets)).ToList();
        var keys = cells.SelectMany(c => c.Metrics.Keys).Distinct().ToList();
        var categories = keys
            .Where(k => k.StartsWith(MatrixMetrics.AccuracyPrefix, StringComparison.Ordinal) && MatrixMetrics.StageMetric(k) is null)
            .Select(k => k[MatrixMetrics.AccuracyPrefix.Length..]).Order(StringComparer.Ordinal).ToList();
        return new MatrixResults(manifest.Name, manifest.Axes, categories, cells, null)
        {
            StageMetrics = StageColumns(keys), TargetMetrics = targets.Select(t => t.Column).ToList(), Summary = manifest.Summary,
        };
    }

    /// <summary>The per-stage columns among <paramref name="keys"/> (in first-appearance order of their stages): each stage's
    /// <c>accuracy</c>, its categories sorted, then its <c>eval_loss</c>.</summary>
    private static List<string> StageColumns(IReadOnlyList<string> keys)
    {
        var byStage = keys
            .Where(k => MatrixMetrics.StageMetric(k) is not null)
            .Select(k => (Stage: k[..^(MatrixMetrics.StageMetric(k)!.Length + 1)], Metric: MatrixMetrics.StageMetric(k)!))
            .GroupBy(k => k.Stage);
        var columns = new List<string>();
        foreach (var stage in byStage)
        {
            int Rank(string metric) => metric == MatrixMetrics.Accuracy ? 0 : metric == MatrixMetrics.EvalLoss ? 2 : 1;
            columns.AddRange(stage.Select(k => k.Metric).OrderBy(Rank).ThenBy(m => m, StringComparer.Ordinal)
                .Select(m => MatrixMetrics.OfStage(stage.Key, m)));
        }
        return columns;
    }

    private static CellResult ReadCell(MatrixManifest.ManifestCell cell, string outputDirectory, IReadOnlyList<MetricTarget> targets)
    {
        string directory = Path.Combine(outputDirectory, "cells", cell.Name);
        var values = cell.Values.Select(v => KeyValuePair.Create(v.Key, v.Value)).ToList();
        CellResult Failed(string error) => new(cell.Index, cell.Name, values, CellStatus.Failed, error, new Dictionary<string, double>(), directory);

        var record = CellRecord.Read(directory);
        if (record is null && CellRecord.IsDamaged(directory))
            return Failed($"{Path.Combine(directory, CellRecord.FileName)} cannot be read; run the matrix again to redo the cell");
        var status = record?.Status ?? CellStatus.NotStarted;
        if (status == CellStatus.Finished && cell.Fingerprint.Length > 0 && record!.Fingerprint.Length > 0 && record.Fingerprint != cell.Fingerprint)
            return Failed(StaleError(directory, record.Fingerprint, cell.Fingerprint));
        var metrics = status == CellStatus.Finished ? MetricsOf(directory, targets) : new Dictionary<string, double>();
        return new CellResult(cell.Index, cell.Name, values, status, record?.Error, metrics, directory);
    }

    /// <summary>Why a cell that finished with another configuration than the matrix now gives is not a result of this matrix.</summary>
    public static string StaleError(string directory, string finished, string now) =>
        $"finished earlier with another configuration or another build of the host or its plugins (fingerprint {finished[..Math.Min(12, finished.Length)]}, the matrix now gives " +
        $"{now[..Math.Min(12, now.Length)]}); delete {directory} to run it again, or give the matrix another output_dir";

    /// <summary>
    /// The metrics of a finished run directory (see <see cref="CellResult.Metrics"/>): from <c>summary.json</c> the run's
    /// and each evaluated stage's results (a stage's entry there is its stage-end evaluation, kept across resumes), from
    /// <c>metrics.jsonl</c> the throughput and the first step each of <paramref name="targets"/> was reached.
    /// </summary>
    public static Dictionary<string, double> MetricsOf(string runDirectory, IReadOnlyList<MetricTarget>? targets = null)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        string summaryPath = Path.Combine(runDirectory, "summary.json");
        if (File.Exists(summaryPath))
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
            var root = summary.RootElement;
            if (root.TryGetProperty("elapsed_seconds", out var elapsed)) metrics[MatrixMetrics.WallSeconds] = elapsed.GetDouble();
            var stages = root.GetProperty("stages").EnumerateArray().ToList();
            metrics[MatrixMetrics.Steps] = stages.Sum(s => s.GetProperty("steps").GetInt64());
            if (stages.Count > 0 && Number(stages[^1], "final_loss") is { } loss) metrics[MatrixMetrics.FinalLoss] = loss;
            var evaluated = stages.LastOrDefault(s => Number(s, "accuracy") is not null);
            // The parameters of the stage the accuracy comes from (the last evaluated one, else the last): what the cell tunes.
            var measured = evaluated.ValueKind == JsonValueKind.Object ? evaluated : stages.LastOrDefault();
            if (measured.ValueKind == JsonValueKind.Object && Number(measured, "trainable_parameters") is { } trainable)
                metrics[MatrixMetrics.TrainableParameters] = trainable;
            if (evaluated.ValueKind == JsonValueKind.Object) AddEvaluation(metrics, evaluated, name => name);
            foreach (var stage in stages.Where(s => Number(s, "accuracy") is not null))
                if (stage.TryGetProperty("stage", out var stageName) && stageName.ValueKind == JsonValueKind.String)
                    AddEvaluation(metrics, stage, name => MatrixMetrics.OfStage(stageName.GetString()!, name));
        }
        string metricsPath = Path.Combine(runDirectory, "metrics.jsonl");
        if (File.Exists(metricsPath))
        {
            var records = MetricsLog.Read(metricsPath).Records;
            var rates = records
                .Where(r => r.Kind == "train" && r.Values.ContainsKey(MatrixMetrics.TokensPerSecond))
                .Select(r => r.Values[MatrixMetrics.TokensPerSecond]).ToList();
            if (rates.Count > 0) metrics[MatrixMetrics.TokensPerSecond] = rates.Average();
            foreach (var target in targets ?? [])
                if (StepsTo(records, target) is { } steps) metrics[target.Column] = steps;
        }
        return metrics;
    }

    /// <summary>A stage's (or the run's) evaluation in <c>summary.json</c>: accuracy, its categories (only the
    /// <c>accuracy_by_category</c> object names categories) and the held-out loss, under the names <paramref name="column"/> gives.</summary>
    private static void AddEvaluation(Dictionary<string, double> metrics, JsonElement stage, Func<string, string> column)
    {
        metrics[column(MatrixMetrics.Accuracy)] = Number(stage, "accuracy")!.Value;
        if (Number(stage, "eval_loss") is { } evalLoss) metrics[column(MatrixMetrics.EvalLoss)] = evalLoss;
        if (stage.TryGetProperty("accuracy_by_category", out var byCategory) && byCategory.ValueKind == JsonValueKind.Object)
            foreach (var category in byCategory.EnumerateObject())
                if (category.Value.ValueKind == JsonValueKind.Number) metrics[column(MatrixMetrics.AccuracyPrefix + category.Name)] = category.Value.GetDouble();
    }

    /// <summary>
    /// The first global step (stages laid end to end, as the charts count them) of an evaluation record that reached
    /// <paramref name="target"/>, periodic (on the whole split or a subset) or at a stage's end; <c>null</c> if none did.
    /// </summary>
    public static double? StepsTo(IReadOnlyList<MetricsRecord> records, MetricTarget target)
    {
        var axis = StageAxis.From(records);
        var reached = records
            .Where(r => r.Kind == "eval" && r.Values.TryGetValue(target.Metric, out double value) && target.IsReachedBy(value))
            .Select(r => axis.X(r.Stage, r.Step)).ToList();
        return reached.Count == 0 ? null : reached.Min();
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
