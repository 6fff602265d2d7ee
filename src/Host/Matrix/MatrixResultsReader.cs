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
        var cells = manifest.Cells.OrderBy(c => c.Index).Select(c => ReadCell(c, outputDirectory)).ToList();
        var categories = cells.SelectMany(c => c.Metrics.Keys)
            .Where(k => k.StartsWith(MatrixMetrics.AccuracyPrefix, StringComparison.Ordinal))
            .Select(k => k[MatrixMetrics.AccuracyPrefix.Length..]).Distinct().Order(StringComparer.Ordinal).ToList();
        return new MatrixResults(manifest.Name, manifest.Axes, categories, cells, null);
    }

    private static CellResult ReadCell(MatrixManifest.ManifestCell cell, string outputDirectory)
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
        var metrics = status == CellStatus.Finished ? MetricsOf(directory) : new Dictionary<string, double>();
        return new CellResult(cell.Index, cell.Name, values, status, record?.Error, metrics, directory);
    }

    /// <summary>Why a cell that finished with another configuration than the matrix now gives is not a result of this matrix.</summary>
    public static string StaleError(string directory, string finished, string now) =>
        $"finished earlier with another configuration or another build of the host or its plugins (fingerprint {finished[..Math.Min(12, finished.Length)]}, the matrix now gives " +
        $"{now[..Math.Min(12, now.Length)]}); delete {directory} to run it again, or give the matrix another output_dir";

    /// <summary>The metrics of a finished run directory (see <see cref="CellResult.Metrics"/>).</summary>
    public static Dictionary<string, double> MetricsOf(string runDirectory)
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
            if (evaluated.ValueKind == JsonValueKind.Object)
            {
                metrics[MatrixMetrics.Accuracy] = Number(evaluated, "accuracy")!.Value;
                if (Number(evaluated, "eval_loss") is { } evalLoss) metrics[MatrixMetrics.EvalLoss] = evalLoss;
                if (evaluated.TryGetProperty("accuracy_by_category", out var byCategory) && byCategory.ValueKind == JsonValueKind.Object)
                    foreach (var category in byCategory.EnumerateObject())
                        if (category.Value.ValueKind == JsonValueKind.Number) metrics[MatrixMetrics.AccuracyPrefix + category.Name] = category.Value.GetDouble();
            }
        }
        string metricsPath = Path.Combine(runDirectory, "metrics.jsonl");
        if (File.Exists(metricsPath))
        {
            var rates = MetricsLog.Read(metricsPath).Records
                .Where(r => r.Kind == "train" && r.Values.ContainsKey(MatrixMetrics.TokensPerSecond))
                .Select(r => r.Values[MatrixMetrics.TokensPerSecond]).ToList();
            if (rates.Count > 0) metrics[MatrixMetrics.TokensPerSecond] = rates.Average();
        }
        return metrics;
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
