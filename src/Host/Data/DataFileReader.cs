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
    private readonly TransientFileRetry _retry;

    /// <summary>The reader the host uses: <see cref="File.ReadAllBytes(string)"/> under <see cref="TransientFileRetry.Default"/>.</summary>
    public static DataFileReader Default { get; } = new(File.ReadAllBytes, TransientFileRetry.Default);

    /// <param name="readAllBytes">Reads one file; tests pass one that fails the first few times.</param>
    /// <param name="retry">The retry policy around each read.</param>
    public DataFileReader(Func<string, byte[]> readAllBytes, TransientFileRetry retry)
    {
        _readAllBytes = readAllBytes;
        _retry = retry;
    }

    /// <summary>The bytes of <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist (not retried).</exception>
    /// <exception cref="DirectoryNotFoundException">Its folder does not exist (not retried).</exception>
    /// <exception cref="IOException">Reading kept failing after every retry; the message names the file.</exception>
    public byte[] ReadAllBytes(string path)
    {
        try
        {
            return _retry.Execute(() => _readAllBytes(path));
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
