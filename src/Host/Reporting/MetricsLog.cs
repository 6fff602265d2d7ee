using System.Text.Json;

namespace Pipeline.Host.Reporting;

/// <summary>The records of a <c>metrics.jsonl</c> file, read leniently so that any run, finished or not, can be plotted.</summary>
/// <param name="Records">The records in file order.</param>
/// <param name="SkippedLines">Lines that are not a JSON object with a <c>kind</c> (a line cut short by a crash, say).
/// Records with a <c>kind</c> but no <c>step</c> (the run-level <c>data</c> records) are neither plotted nor counted here.</param>
public sealed record MetricsLog(IReadOnlyList<MetricsRecord> Records, int SkippedLines)
{
    /// <summary>Reads <paramref name="path"/>; throws <see cref="FileNotFoundException"/> when it does not exist.</summary>
    public static MetricsLog Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist", path);
        var records = new List<MetricsRecord>();
        int skipped = 0;
        string stage = "";
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var (record, wellFormed) = Parse(line, ref stage);
            if (record is not null) records.Add(record);
            else if (!wellFormed) skipped++;
        }
        return new MetricsLog(records, skipped);
    }

    /// <summary>The record a line holds, or none: <c>WellFormed</c> tells a run-level record (a kind, no step) from a broken line.</summary>
    private static (MetricsRecord? Record, bool WellFormed) Parse(string line, ref string stage)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, false);
            if (!root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String) return (null, false);
            if (!root.TryGetProperty("step", out var step)) return (null, true);
            if (step.ValueKind != JsonValueKind.Number || !step.TryGetInt64(out long stepValue)) return (null, false);
            if (root.TryGetProperty("stage", out var stageValue) && stageValue.ValueKind == JsonValueKind.String) stage = stageValue.GetString()!;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
                if (property.Name is not ("kind" or "stage" or "step")) Flatten(property.Name, property.Value, values);
            return (new MetricsRecord(kind.GetString()!, stage, stepValue, values), true);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }

    private static void Flatten(string name, JsonElement value, Dictionary<string, double> values)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDouble(out double number) && double.IsFinite(number):
                values[name] = number;
                break;
            case JsonValueKind.True or JsonValueKind.False:
                values[name] = value.ValueKind == JsonValueKind.True ? 1 : 0;
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject()) Flatten($"{name}.{property.Name}", property.Value, values);
                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in value.EnumerateArray()) Flatten($"{name}[{index++}]", item, values);
                break;
        }
    }
}
