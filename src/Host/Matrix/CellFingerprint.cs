using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Matrix;

/// <summary>
/// What a cell's result was made with: the training configuration's fingerprint (the one checkpoints carry) and the
/// build that ran it (the bytes of the host, the contracts and every plugin assembly the cell loaded). A finished cell
/// whose fingerprint differs from the one the matrix gives now is stale: its numbers say nothing about this code or
/// this configuration, so a baseline comparison must never reuse them.
/// </summary>
public static class CellFingerprint
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> FileHashes = new();

    public static string Of(PipelineDefinition definition)
    {
        var text = new StringBuilder(ConfigFingerprint.Of(definition).Hash).Append('\n');
        var assemblies = new[] { typeof(CellFingerprint).Assembly.Location, typeof(Pipeline.Contracts.Composition.PluginKind).Assembly.Location }
            .Concat(definition.Catalog.AssemblyPaths.Order(StringComparer.Ordinal));
        foreach (string path in assemblies.Where(p => p.Length > 0)) text.Append(Path.GetFileName(path)).Append(' ').Append(HashOf(path)).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string HashOf(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) return "missing";
        return FileHashes.GetOrAdd((file.FullName, file.Length, file.LastWriteTimeUtc), _ =>
        {
            using var stream = file.OpenRead();
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}
