using System.Text.Json;
using static TorchSharp.torch;

namespace Pipeline.Host.Safetensors;

/// <summary>
/// A set of tensors stored the way Hugging Face stores them in a directory: one <c>{base}.safetensors</c>, or
/// shards <c>{base}-00001-of-0000N.safetensors</c> listed by <c>{base}.safetensors.index.json</c>
/// (<c>{"metadata": {"total_size": bytes}, "weight_map": {name: shard file}}</c>).
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    private readonly Dictionary<string, SafetensorsFile> _fileByTensor;
    private readonly List<SafetensorsFile> _files;

    private SafetensorsCheckpoint(List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileByTensor)
    {
        _files = files;
        _fileByTensor = fileByTensor;
    }

    /// <summary>Every tensor's header record, by name, across all shards.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries =>
        _fileByTensor.ToDictionary(p => p.Key, p => p.Value.Entries[p.Key], StringComparer.Ordinal);

    /// <summary>The files opened (one, or every shard).</summary>
    public IReadOnlyList<string> Files => _files.Select(f => f.Path).ToList();

    /// <summary>The index file name for <paramref name="baseName"/> (<c>model.safetensors.index.json</c>).</summary>
    public static string IndexFileName(string baseName) => $"{baseName}.safetensors.index.json";

    /// <summary>
    /// Opens the tensors of <paramref name="directory"/>: the index <c>{baseName}.safetensors.index.json</c> and its
    /// shards when the index exists, otherwise <c>{baseName}.safetensors</c>. Throws <see cref="FileNotFoundException"/>
    /// when neither exists and <see cref="InvalidDataException"/> for a malformed index or a tensor it maps to a
    /// shard that does not hold it.
    /// </summary>
    public static SafetensorsCheckpoint Open(string directory, string baseName = "model")
    {
        string index = System.IO.Path.Combine(directory, IndexFileName(baseName));
        if (File.Exists(index)) return OpenSharded(directory, index);
        string single = System.IO.Path.Combine(directory, $"{baseName}.safetensors");
        if (!File.Exists(single))
            throw new FileNotFoundException($"'{directory}' has neither {baseName}.safetensors nor {IndexFileName(baseName)}", single);
        var file = SafetensorsFile.Open(single);
        return new SafetensorsCheckpoint([file], file.Entries.Keys.ToDictionary(k => k, _ => file, StringComparer.Ordinal));
    }

    /// <summary>Reads tensor <paramref name="name"/>; see <see cref="SafetensorsFile.Read"/>.</summary>
    public Tensor Read(string name, ScalarType? type = null, Device? device = null) =>
        _fileByTensor.TryGetValue(name, out var file)
            ? file.Read(name, type, device)
            : throw new KeyNotFoundException($"the checkpoint has no tensor '{name}'");

    /// <summary>
    /// Writes <paramref name="tensors"/> into <paramref name="directory"/>: one <c>{baseName}.safetensors</c> when they
    /// fit in <paramref name="maxShardBytes"/>, otherwise shards of at most that size (a tensor larger than the limit
    /// gets a shard of its own) plus the index. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<(string Name, Tensor Tensor)> tensors,
        long maxShardBytes = 5L * 1024 * 1024 * 1024, string baseName = "model", SafetensorsDType? floatType = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1);
        Directory.CreateDirectory(directory);
        long Size((string Name, Tensor Tensor) t) => t.Tensor.numel() * SafetensorsDTypes.ElementSize(
            floatType is { } f && t.Tensor.is_floating_point() ? f : SafetensorsDTypes.FromScalarType(t.Tensor.dtype, t.Name));

        var shards = new List<List<(string Name, Tensor Tensor)>> { new() };
        long current = 0, total = 0;
        foreach (var tensor in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            long size = Size(tensor);
            if (current + size > maxShardBytes && shards[^1].Count > 0)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(tensor);
            current += size;
            total += size;
        }

        if (shards.Count == 1)
        {
            string path = System.IO.Path.Combine(directory, $"{baseName}.safetensors");
            SafetensorsWriter.Write(path, shards[0], floatType, metadata);
            return [path];
        }

        var written = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string fileName = $"{baseName}-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafetensorsWriter.Write(System.IO.Path.Combine(directory, fileName), shards[i], floatType, metadata);
            foreach (var (name, _) in shards[i]) weightMap[name] = fileName;
            written.Add(System.IO.Path.Combine(directory, fileName));
        }
        string indexPath = System.IO.Path.Combine(directory, IndexFileName(baseName));
        var index = new { metadata = new { total_size = total }, weight_map = weightMap };
        File.WriteAllText(indexPath, JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }));
        written.Add(indexPath);
        return written;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private static SafetensorsCheckpoint OpenSharded(string directory, string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(indexPath));
            weightMap = document.RootElement.GetProperty("weight_map").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new InvalidDataException($"'{indexPath}': weight_map['{p.Name}'] is not a file name"), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{indexPath}' is not a valid safetensors index: {e.Message}", e);
        }

        var files = new List<SafetensorsFile>();
        try
        {
            var byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (string shard in weightMap.Values.Distinct(StringComparer.Ordinal))
            {
                if (System.IO.Path.GetFileName(shard) != shard)
                    throw new InvalidDataException($"'{indexPath}': shard '{shard}' must be a file name in the same directory");
                var file = SafetensorsFile.Open(System.IO.Path.Combine(directory, shard));
                files.Add(file);
                byName[shard] = file;
            }
            var fileByTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shard) in weightMap)
            {
                var file = byName[shard];
                if (!file.Entries.ContainsKey(tensor))
                    throw new InvalidDataException($"'{indexPath}' maps '{tensor}' to '{shard}', which does not hold it");
                fileByTensor[tensor] = file;
            }
            return new SafetensorsCheckpoint(files, fileByTensor);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }
}
