using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Host.Matrix;

/// <summary>
/// A cell's <c>cell.json</c> in its run directory: which cell it is, how its last attempt stands, and the configuration
/// fingerprint it finished with. Written by the process that runs the cell (a local child, a Slurm or Kubernetes task),
/// replaced atomically, so readers never see half a file.
/// </summary>
public sealed record CellRecord
{
    public const string FileName = "cell.json";

    [JsonPropertyName("index")] public int Index { get; init; }

    [JsonPropertyName("name")] public string Name { get; init; } = "";

    [JsonPropertyName("status")] public CellStatus Status { get; init; }

    [JsonPropertyName("error")] public string? Error { get; init; }

    /// <summary>The fingerprint of the cell's training configuration (the one checkpoints carry).</summary>
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";

    [JsonPropertyName("attempts")] public int Attempts { get; init; }

    [JsonPropertyName("started_utc")] public DateTime StartedUtc { get; init; }

    [JsonPropertyName("ended_utc")] public DateTime? EndedUtc { get; init; }

    /// <summary>This record ended now with <paramref name="status"/> (and <paramref name="error"/> for a failure).</summary>
    public CellRecord With(CellStatus status, string? error = null) => this with { Status = status, Error = error, EndedUtc = DateTime.UtcNow };

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Whether <paramref name="runDirectory"/> holds a <c>cell.json</c> that cannot be read (cut short, edited, not an object).</summary>
    public static bool IsDamaged(string runDirectory) => File.Exists(Path.Combine(runDirectory, FileName)) && Read(runDirectory) is null;

    /// <summary>The record in <paramref name="runDirectory"/>, or <c>null</c> when there is none or it cannot be read.</summary>
    public static CellRecord? Read(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<CellRecord>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>Writes the record into <paramref name="runDirectory"/> (beside, then renamed over the old one).</summary>
    public void Write(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        string path = Path.Combine(runDirectory, FileName);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
