using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Safetensors;

/// <summary>
/// An open safetensors file: its header is parsed and checked on <see cref="Open"/>; tensors are read one at a
/// time on demand, so a multi-gigabyte checkpoint never has to fit in memory at once.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Headers larger than this are refused as corrupt (Hugging Face's limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, Dictionary<string, SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        _entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors' header records, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => _entries;

    /// <summary>
    /// Opens <paramref name="path"/> and validates its header: length, JSON shape, known dtypes, and byte ranges
    /// that match each shape, lie inside the file and do not overlap. Throws <see cref="InvalidDataException"/>
    /// naming the file and the problem.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8) throw Corrupt(path, $"it is {fileLength} bytes long, shorter than the 8-byte header length");
            Span<byte> lengthBytes = stackalloc byte[8];
            RandomAccess.Read(handle, lengthBytes, 0);
            ulong headerLength = BitConverter.ToUInt64(lengthBytes);
            if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
                throw Corrupt(path, $"the header length {headerLength} exceeds the file ({fileLength} bytes) or the {MaxHeaderBytes}-byte limit");
            var header = new byte[headerLength];
            RandomAccess.Read(handle, header, 8);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = ParseHeader(path, header, fileLength - dataStart);
            return new SafetensorsFile(path, handle, dataStart, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads tensor <paramref name="name"/> onto <paramref name="device"/> (CPU by default), converted to
    /// <paramref name="type"/> when given. The caller owns the result.
    /// </summary>
    public Tensor Read(string name, ScalarType? type = null, Device? device = null)
    {
        byte[] data = ReadBytes(name);
        var entry = _entries[name];
        using var scope = NewDisposeScope();
        Tensor tensor = empty(entry.Shape, SafetensorsDTypes.ToScalarType(entry.DType), device: CPU);
        if (data.Length > 0) tensor.bytes = data;
        if (type is { } target && target != tensor.dtype) tensor = tensor.to(target);
        if (device is not null && device.type != DeviceType.CPU) tensor = tensor.to(device);
        return tensor.MoveToOuterDisposeScope();
    }

    /// <summary>The raw little-endian bytes of tensor <paramref name="name"/>, as stored (no tensor is made).</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    /// <exception cref="InvalidDataException">The file ends before the tensor's last byte.</exception>
    public byte[] ReadBytes(string name)
    {
        if (!_entries.TryGetValue(name, out var entry)) throw new KeyNotFoundException($"'{Path}' has no tensor '{name}'");
        var data = new byte[entry.ByteLength];
        int read = RandomAccess.Read(_handle, data, _dataStart + entry.Begin);
        if (read != data.Length) throw Corrupt(Path, $"tensor '{name}' is truncated ({read} of {data.Length} bytes)");
        return data;
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private static InvalidDataException Corrupt(string path, string problem) =>
        new($"'{path}' is not a valid safetensors file: {problem}");

    private static (Dictionary<string, SafetensorsEntry>, IReadOnlyDictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(path, "the header is not a JSON object");
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Corrupt(path, "__metadata__ is not an object");
                    foreach (var item in property.Value.EnumerateObject())
                        metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
                    continue;
                }
                entries[property.Name] = ParseEntry(path, property);
            }
            CheckRanges(path, entries.Values, dataLength);
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string path, JsonProperty property)
    {
        string name = property.Name;
        try
        {
            var value = property.Value;
            var dtype = SafetensorsDTypes.Parse(value.GetProperty("dtype").GetString() ?? "", name);
            long[] shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2) throw Corrupt(path, $"tensor '{name}' has {offsets.Length} data offsets, expected 2");
            if (shape.Any(d => d < 0)) throw Corrupt(path, $"tensor '{name}' has a negative dimension in [{string.Join(", ", shape)}]");
            var entry = new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
            if (entry.Begin < 0 || entry.End < entry.Begin) throw Corrupt(path, $"tensor '{name}' has data offsets [{entry.Begin}, {entry.End}]");
            long expected = entry.ElementCount * SafetensorsDTypes.ElementSize(dtype);
            if (entry.ByteLength != expected)
                throw Corrupt(path, $"tensor '{name}' ({dtype} [{string.Join(", ", shape)}]) needs {expected} bytes, its offsets give {entry.ByteLength}");
            return entry;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Corrupt(path, $"tensor '{name}' needs dtype, shape and data_offsets ({e.Message})");
        }
    }

    private static void CheckRanges(string path, IEnumerable<SafetensorsEntry> entries, long dataLength)
    {
        long end = 0;
        string? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < end && entry.ByteLength > 0)
                throw Corrupt(path, $"tensors '{previous}' and '{entry.Name}' overlap");
            if (entry.End > dataLength)
                throw Corrupt(path, $"tensor '{entry.Name}' ends at byte {entry.End} of a {dataLength}-byte data section (truncated file?)");
            end = Math.Max(end, entry.End);
            previous = entry.Name;
        }
    }
}
