using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Host.Matrix;

/// <summary>
/// A stored baseline (<c>--write-baseline FILE</c>): every metric of every finished cell, by cell name, as JSON
/// (<c>{"matrix": NAME, "cells": {"adapter=lora,...": {"accuracy": 0.8767, ...}}}</c>). All metrics are stored, so the
/// tolerances in the matrix YAML can change without writing the baseline again.
/// </summary>
public static class BaselineFile
{
    /// <summary>Writes the finished cells of <paramref name="results"/> to <paramref name="path"/> (beside, then renamed).</summary>
    public static void Write(MatrixResults results, string path)
    {
        var cells = new JsonObject();
        foreach (var cell in results.Cells.Where(c => c.Status == CellStatus.Finished))
        {
            var metrics = new JsonObject();
            foreach (var (name, value) in cell.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)) metrics[name] = value;
            cells[cell.Name] = metrics;
        }
        var root = new JsonObject { ["matrix"] = results.Name, ["written_utc"] = DateTime.UtcNow.ToString("O"), ["cells"] = cells };
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>The metrics of every cell in the baseline at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing or is not a baseline.</exception>
    public static Dictionary<string, Dictionary<string, double>> Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"baseline file '{path}' does not exist (write one with --write-baseline)");
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if (root?["cells"] is not JsonObject cells) throw new InvalidDataException($"'{path}' is not a baseline: it has no \"cells\" object");
            return cells.ToDictionary(
                cell => cell.Key,
                cell => (cell.Value as JsonObject ?? throw new InvalidDataException($"'{path}': cell '{cell.Key}' is not an object of metrics"))
                    .ToDictionary(m => m.Key, m => m.Value is JsonValue number && number.TryGetValue(out double value)
                        ? value
                        : throw new InvalidDataException($"'{path}': cell '{cell.Key}', metric '{m.Key}' is not a number")));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a baseline: {e.Message}", e);
        }
    }

    /// <summary>Compares the finished cells among <paramref name="compared"/> with the baseline at <paramref name="path"/>.</summary>
    /// <param name="compared">The cells to compare (all of a matrix, or those <c>--only</c> selected); baseline cells outside them are not reported.</param>
    public static BaselineComparison Compare(IReadOnlyList<CellResult> compared, IReadOnlyList<MetricTolerance> tolerances, string path, bool onlySelected = false)
    {
        var baseline = Read(path);
        var byName = compared.ToDictionary(c => c.Name);
        var checks = new List<MetricCheck>();
        var missingMetrics = new List<KeyValuePair<string, string>>();
        var missingFromResults = baseline.Keys
            .Where(name => !byName.TryGetValue(name, out var cell) ? !onlySelected : cell.Status != CellStatus.Finished)
            .Order(StringComparer.Ordinal).ToList();
        var missingFromBaseline = compared.Where(c => c.Status == CellStatus.Finished && !baseline.ContainsKey(c.Name)).Select(c => c.Name).ToList();
        foreach (var cell in compared.Where(c => c.Status == CellStatus.Finished && baseline.ContainsKey(c.Name)))
        {
            foreach (var tolerance in tolerances)
            {
                bool inBaseline = baseline[cell.Name].TryGetValue(tolerance.Metric, out double before);
                bool measured = cell.Metrics.TryGetValue(tolerance.Metric, out double now);
                if (inBaseline && measured) checks.Add(new MetricCheck(cell.Name, tolerance, before, now));
                else missingMetrics.Add(KeyValuePair.Create(cell.Name, tolerance.Metric + (inBaseline ? " (not measured now)" : " (not in the baseline)")));
            }
        }
        return new BaselineComparison(path, checks, missingFromResults, missingFromBaseline, missingMetrics);
    }
}
