using System.Buffers.Binary;
using System.Numerics;
using Tensorboard;

namespace Pipeline.Host.Reporting;

/// <summary>
/// Reads and cuts TensorBoard event files: TFRecord frames (the payload's length as a little-endian u64, the masked
/// CRC-32C of those 8 bytes, the payload, the masked CRC-32C of the payload), each payload a <see cref="Event"/>.
/// </summary>
public static class TensorBoardEventFile
{
    private const int HeaderBytes = 12;
    private const int FooterBytes = 4;

    /// <summary>Whether a file name is one TensorBoard reads as an event file (it contains <c>tfevents</c>).</summary>
    public static bool IsEventFile(string path) => Path.GetFileName(path).Contains("tfevents", StringComparison.Ordinal);

    /// <summary>
    /// Every intact event of the file, with the file position just past it. Reading stops at the first truncated frame
    /// (what a process killed in the middle of a write leaves) or the first whose checksums do not match.
    /// </summary>
    public static IReadOnlyList<(Event Event, long End)> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<(Event, long)>();
        int position = 0;
        while (bytes.Length - position >= HeaderBytes)
        {
            var lengthBytes = bytes.AsSpan(position, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 8, 4)) != MaskedCrc(lengthBytes)) break;
            if (length > (ulong)(bytes.Length - position - HeaderBytes - FooterBytes)) break;
            int payloadStart = position + HeaderBytes;
            var payload = bytes.AsSpan(payloadStart, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(payloadStart + (int)length, FooterBytes)) != MaskedCrc(payload)) break;
            position = payloadStart + (int)length + FooterBytes;
            events.Add((Event.Parser.ParseFrom(bytes, payloadStart, (int)length), position));
        }
        return events;
    }

    /// <summary>
    /// Cuts the file before its first event past <paramref name="step"/> (events are written in step order, so
    /// everything from there on came later), dropping any damaged tail too; returns the number of events removed.
    /// </summary>
    public static int CutAfter(string path, long step)
    {
        var events = Read(path);
        int kept = events.TakeWhile(e => e.Event.Step <= step).Count();
        long keptBytes = kept == 0 ? 0 : events[kept - 1].End;
        if (keptBytes == new FileInfo(path).Length) return 0;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
        file.SetLength(keptBytes);
        file.Flush(flushToDisk: true);
        return events.Count - kept;
    }

    // TFRecord's masked CRC-32C (Castagnoli): the checksum rotated right by 15 bits plus a constant.
    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
