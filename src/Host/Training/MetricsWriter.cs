using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Host.Reporting;

namespace Pipeline.Host.Training;

/// <summary>
/// Appends one JSON object per line to <c>metrics.jsonl</c> in the output directory, flushed per line, and hands the
/// same records to the run's TensorBoard event file when there is one.
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly TensorBoardWriter? _tensorBoard;

    /// <param name="path">The metrics file; records are appended to it.</param>
    /// <param name="tensorBoard">Also gets every record (<c>run.tensorboard</c>); <c>null</c> writes none.</param>
    public MetricsWriter(string path, TensorBoardWriter? tensorBoard = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
        _tensorBoard = tensorBoard;
    }

    // A non-finite value (a schedule's learning rate gone NaN, say) is written as the string "NaN" rather than failing the run.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Writes one record.</summary>
    public void Write(IReadOnlyDictionary<string, object> record)
    {
        _writer.WriteLine(JsonSerializer.Serialize(record, Json));
        _tensorBoard?.Write(record);
    }

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
