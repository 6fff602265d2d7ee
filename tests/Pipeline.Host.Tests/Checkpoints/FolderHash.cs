using System.Security.Cryptography;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>What a folder holds, for asserting that a refused command changed nothing in it.</summary>
public static class FolderHash
{
    /// <summary>
    /// Every directory (<c>name/</c>) and every file (<c>name sha256</c>, <c>name (empty)</c>, or <c>name -> target</c> for a link) under <paramref name="folder"/>, by relative
    /// path; <c>(absent)</c> when the folder does not exist.
    /// </summary>
    public static List<string> Of(string folder)
    {
        if (!Directory.Exists(folder)) return File.Exists(folder) ? [$"(a file) {Hash(folder)}"] : ["(absent)"];
        var entries = Directory.GetDirectories(folder, "*", SearchOption.AllDirectories).Select(d => Path.GetRelativePath(folder, d) + "/")
            .Concat(Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(folder, f)} {Hash(f)}"));
        return entries.Order(StringComparer.Ordinal).ToList();
    }

    // A FIFO reports a length of 0 like an empty file, and a link may lead to one: neither is opened, which would block.
    private static string Hash(string file) =>
        new FileInfo(file) is { LinkTarget: { } target } ? $"-> {target}"
        : new FileInfo(file).Length == 0 ? "(empty)"
        : Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
}
