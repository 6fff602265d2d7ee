using System.Text.Json;
using static TorchSharp.torch;

namespace Pipeline.Host.Safetensors;

/// <summary>
/// Writes the safetensors format: an 8-byte little-endian header length, a JSON header (padded with spaces to a
/// multiple of 8 bytes) mapping each name to its dtype, shape and byte range, then the raw little-endian data.
/// Tensors are written in name order, as Hugging Face's writer does.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> and flushes it to disk. Callers that need an
    /// atomic replacement write to a temporary path and rename it.
    /// </summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="tensors">Name and tensor pairs; names must be unique. Tensors may live on any device.</param>
    /// <param name="floatType">Converts floating-point tensors to this type (F32, F16 or BF16); <c>null</c> keeps each tensor's type.</param>
    /// <param name="metadata">The optional <c>__metadata__</c> string map.</param>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors,
        SafetensorsDType? floatType = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(file, tensors, floatType, metadata);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="stream"/>; see <see cref="Write(string, IEnumerable{ValueTuple{string, Tensor}}, SafetensorsDType?, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public static void Write(Stream stream, IEnumerable<(string Name, Tensor Tensor)> tensors,
        SafetensorsDType? floatType = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (floatType is { } target && !SafetensorsDTypes.IsFloatingPoint(target))
            throw new ArgumentException($"floatType must be F32, F16 or BF16, got {target}", nameof(floatType));
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var duplicate = ordered.Zip(ordered.Skip(1)).FirstOrDefault(p => p.First.Name == p.Second.Name);
        if (duplicate.First.Name is not null) throw new ArgumentException($"tensor name '{duplicate.First.Name}' appears twice", nameof(tensors));

        var entries = new List<(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)>(ordered.Count);
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var dtype = StoredType(name, tensor, floatType);
            long length = tensor.numel() * SafetensorsDTypes.ElementSize(dtype);
            entries.Add((name, dtype, tensor.shape, offset, offset + length));
            offset += length;
        }

        byte[] header = Header(entries, metadata);
        Span<byte> lengthBytes = stackalloc byte[8];
        BitConverter.TryWriteBytes(lengthBytes, (ulong)header.Length);
        stream.Write(lengthBytes);
        stream.Write(header);
        for (int i = 0; i < ordered.Count; i++)
        {
            using var scope = NewDisposeScope();
            Tensor stored = ordered[i].Tensor.detach().to(SafetensorsDTypes.ToScalarType(entries[i].DType)).cpu().contiguous();
            stream.Write(stored.bytes);
        }
    }

    private static SafetensorsDType StoredType(string name, Tensor tensor, SafetensorsDType? floatType)
    {
        var own = SafetensorsDTypes.FromScalarType(tensor.dtype, name);
        return floatType is { } target && SafetensorsDTypes.IsFloatingPoint(own) ? target : own;
    }

    private static byte[] Header(IEnumerable<(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)> entries,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var (name, dtype, shape, begin, end) in entries)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDTypes.HeaderName(dtype));
                json.WriteStartArray("shape");
                foreach (long d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(begin);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
