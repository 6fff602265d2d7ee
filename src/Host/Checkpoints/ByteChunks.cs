namespace Pipeline.Host.Checkpoints;

/// <summary>
/// A write-only, in-memory stream kept as a list of chunks (no 2 GB limit, no copying on growth). Checkpoint files
/// are serialized into one outside the retry policy, so that only the copy to disk is retried, never tensor work.
/// </summary>
public sealed class ByteChunks : Stream
{
    private readonly List<byte[]> _chunks = [];
    private long _length;

    /// <summary>Chunks holding <paramref name="bytes"/>.</summary>
    public static ByteChunks Of(byte[] bytes)
    {
        var chunks = new ByteChunks();
        chunks.Write(bytes);
        return chunks;
    }

    /// <summary>Copies everything written so far to <paramref name="destination"/>.</summary>
    public void WriteTo(Stream destination)
    {
        foreach (byte[] chunk in _chunks) destination.Write(chunk);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty) return;
        _chunks.Add(buffer.ToArray());
        _length += buffer.Length;
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
