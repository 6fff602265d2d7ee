using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Host.Matrix;

/// <summary>
/// <c>matrix.json</c> in a matrix's output directory: the cells, the compared metrics and the summary settings, written whenever a matrix is
/// run, a cell runs or an array job is emitted, so that <c>pipeline matrix collect DIR</c> can build the results from
/// the directory alone.
/// </summary>
public sealed record MatrixManifest
{
    public const string FileName = "matrix.json";

    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>The matrix YAML, absolute, where it was when the manifest was written.</summary>
    [JsonPropertyName("matrix_file")] public string MatrixFile { get; init; } = "";

    [JsonPropertyName("axes")] public List<string> Axes { get; init; } = [];

    [JsonPropertyName("cells")] public List<ManifestCell> Cells { get; init; } = [];

    [JsonPropertyName("metrics")] public List<ManifestMetric> Metrics { get; init; } = [];

    /// <summary>The matrix's <c>summary</c>, or <c>null</c> when it has none (and in manifests written before it existed).</summary>
    [JsonPropertyName("summary")] public SummarySettings? Summary { get; init; }

    /// <summary>One cell: index, name, the label of each axis, and the fingerprint of its training configuration now.</summary>
    public sealed record ManifestCell(
        [property: JsonPropertyName("index")] int Index,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("values")] Dictionary<string, string> Values,
        [property: JsonPropertyName("fingerprint")] string Fingerprint = "");

    /// <summary>One compared metric and its tolerance.</summary>
    public sealed record ManifestMetric(
        [property: JsonPropertyName("metric")] string Metric,
        [property: JsonPropertyName("direction")] string Direction,
        [property: JsonPropertyName("absolute")] double Absolute,
        [property: JsonPropertyName("relative")] double Relative);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The manifest of <paramref name="matrix"/>, whose cells were validated with these configuration <paramref name="fingerprints"/> (by index).</summary>
    public static MatrixManifest Of(MatrixDefinition matrix, IReadOnlyDictionary<int, string> fingerprints) => new()
    {
        Name = matrix.Name,
        MatrixFile = Path.GetFullPath(matrix.Path),
        Axes = matrix.Axes.Select(a => a.Name).ToList(),
        Cells = matrix.Cells.Select(c => new ManifestCell(c.Index, c.Name, c.Values.ToDictionary(v => v.Key, v => v.Value), fingerprints.GetValueOrDefault(c.Index, ""))).ToList(),
        Metrics = matrix.Metrics.Select(m => new ManifestMetric(m.Metric, m.Direction.ToString().ToLowerInvariant(), m.Absolute, m.Relative)).ToList(),
        Summary = matrix.Summary,
    };

    /// <summary>The compared metrics as tolerances.</summary>
    public IReadOnlyList<MetricTolerance> Tolerances =>
        Metrics.Select(m => new MetricTolerance(m.Metric, Enum.Parse<MetricDirection>(m.Direction, ignoreCase: true), m.Absolute, m.Relative)).ToList();

    /// <summary>Reads <c>matrix.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">There is none, or it cannot be read.</exception>
    public static MatrixManifest Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new InvalidDataException($"'{directory}' is not a matrix output directory: it has no {FileName} (written when a matrix runs or emits an array job)");
        try
        {
            return JsonSerializer.Deserialize<MatrixManifest>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest into <paramref name="directory"/> (to a unique file beside, then renamed: array tasks write it at once).</summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
