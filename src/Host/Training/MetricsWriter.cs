using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Host.Training;

/// <summary>Appends one JSON object per line to <c>metrics.jsonl</c> in the output directory, flushed per line.</summary>
public sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter _writer;

    public MetricsWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    // A non-finite value (a schedule's learning rate gone NaN, say) is written as the string "NaN" rather than failing the run.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Writes one record.</summary>
    public void Write(IReadOnlyDictionary<string, object> record) => _writer.WriteLine(JsonSerializer.Serialize(record, Json));

    /// <summary>Bytes written to the file so far (checkpoints record it so a resumed run can cut what came after).</summary>
    public long Length
    {
        get
        {
            _writer.Flush();
            return _writer.BaseStream.Length;
        }
    }

    public void Dispose() => _writer.Dispose();
}
