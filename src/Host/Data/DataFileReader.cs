using Pipeline.Host.IO;

namespace Pipeline.Host.Data;

/// <summary>
/// Reads dataset files (conversation JSON, images, audio, tokenizer files) whole, retrying transient
/// <see cref="IOException"/>s with <see cref="TransientFileRetry"/>. Decoding happens afterwards, on the bytes, outside
/// the retry. A missing file fails at once (<see cref="FileNotFoundException"/>); an error that outlasts the retries
/// surfaces as an <see cref="IOException"/> naming the file, as does running out of the retry time limit.
/// </summary>
public sealed class DataFileReader
{
    private readonly Func<string, byte[]> _readAllBytes;
    private readonly Func<string, Stream> _openRead;
    private readonly TransientFileRetry _retry;

    /// <summary>
    /// The reader the host uses: <see cref="File.ReadAllBytes(string)"/>, and a sequential <see cref="FileStream"/> for
    /// files read as streams, under <see cref="TransientFileRetry.Default"/>.
    /// </summary>
    public static DataFileReader Default { get; } = new(File.ReadAllBytes, TransientFileRetry.Default,
        path => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));

    /// <param name="readAllBytes">Reads one file; tests pass one that fails the first few times.</param>
    /// <param name="retry">The retry policy around each read.</param>
    /// <param name="openRead">Opens a file to stream it; when omitted, the file is read whole with <paramref name="readAllBytes"/>.</param>
    public DataFileReader(Func<string, byte[]> readAllBytes, TransientFileRetry retry, Func<string, Stream>? openRead = null)
    {
        _readAllBytes = readAllBytes;
        _retry = retry;
        _openRead = openRead ?? (path => new MemoryStream(readAllBytes(path), writable: false));
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading from the start (large files, such as conversation JSON, are streamed).
    /// Opening is retried like <see cref="ReadAllBytes"/>; an error while reading the stream later is not.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist (not retried).</exception>
    /// <exception cref="IOException">Opening kept failing after every retry; the message names the file.</exception>
    public Stream OpenRead(string path) => Retried(path, () => _openRead(path));

    /// <summary>The bytes of <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist (not retried).</exception>
    /// <exception cref="DirectoryNotFoundException">Its folder does not exist (not retried).</exception>
    /// <exception cref="IOException">Reading kept failing after every retry; the message names the file.</exception>
    public byte[] ReadAllBytes(string path) => Retried(path, () => _readAllBytes(path));

    private T Retried<T>(string path, Func<T> read)
    {
        try
        {
            return _retry.Execute(read);
        }
        catch (IOException error) when (TransientFileRetry.IsTransient(error))
        {
            throw new IOException($"cannot read '{path}': {error.Message}", error);
        }
        catch (Polly.Timeout.TimeoutRejectedException error)
        {
            throw new IOException($"cannot read '{path}': still failing when the retry time limit ran out", error);
        }
    }
}
