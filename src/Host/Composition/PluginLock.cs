using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Host.Composition;

/// <summary>
/// A plugin lock file (<c>plugins.lock</c>): the SHA-256 of every plugin file the host may load code from, outside its
/// own built-in plugin folder. With a lock in force the catalog checks every such file before loading anything, and
/// refuses a file whose hash differs from the pinned one, a file the lock does not list, and a listed file that is
/// missing; plugin assemblies are then loaded from the very bytes that were hashed.
/// </summary>
/// <remarks>
/// The format is that of <c>sha256sum</c>, so <c>sha256sum -c plugins.lock</c> run in the lock's folder checks it too:
/// one <c>&lt;64 hex digits&gt;  &lt;path&gt;</c> line per file, paths relative to the lock file's folder with
/// <c>/</c> separators; blank lines and lines starting with <c>#</c> are ignored. The pinned files of a plugin directory
/// are all files in it and its subfolders named <c>*.dll</c>, <c>*.so</c> (also versioned, <c>*.so.1</c>),
/// <c>*.dylib</c> or <c>*.deps.json</c>: plugin assemblies, their private dependencies and native libraries, and the
/// dependency manifests that say where those are loaded from. The host's built-in folder
/// (<see cref="PluginSearchPath.BuiltInDirectory"/>) ships with the host and is not pinned.
/// </remarks>
public sealed partial class PluginLock
{
    /// <summary>The file name looked for next to a pipeline YAML when it names no lock file.</summary>
    public const string DefaultFileName = "plugins.lock";

    /// <summary>The largest lock file read (about 40,000 entries).</summary>
    private const int MaxBytes = 4 * 1024 * 1024;

    private readonly Dictionary<string, string> _hashes;

    private PluginLock(string path, Dictionary<string, string> hashes)
    {
        Path = path;
        _hashes = hashes;
    }

    /// <summary>The lock file, as given.</summary>
    public string Path { get; }

    /// <summary>The pinned files (full paths) and their lower-case hex SHA-256.</summary>
    public IReadOnlyDictionary<string, string> Hashes => _hashes;

    [GeneratedRegex("^([0-9a-fA-F]{64}) [ *](.+)$")]
    private static partial Regex EntryLine();

    /// <summary>Reads the lock file at <paramref name="path"/>.</summary>
    /// <exception cref="PluginLockException">
    /// The file does not exist or is larger than 4 MiB, or a line is not <c>&lt;sha256&gt;  &lt;path&gt;</c>, or lists a path twice.
    /// </exception>
    public static PluginLock Load(string path)
    {
        if (!File.Exists(path)) throw new PluginLockException($"plugin lock file '{path}' does not exist");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        // A pipe or device file reports length 0 and is never opened (it would block or never end): it pins nothing.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        if (info.Length > MaxBytes)
            throw new PluginLockException($"plugin lock file '{path}' is larger than {MaxBytes / (1024 * 1024)} MiB; a lock lists one short line per plugin file");
        string[] lines = info.Length == 0 ? [] : File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            Match entry = EntryLine().Match(line);
            if (!entry.Success)
                throw new PluginLockException($"{path}:{i + 1}: expected '<sha256>  <relative path>', got '{Shown(line)}'");
            string file = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, entry.Groups[2].Value.Replace('\\', '/')));
            if (!hashes.TryAdd(file, entry.Groups[1].Value.ToLowerInvariant()))
                throw new PluginLockException($"{path}:{i + 1}: '{entry.Groups[2].Value}' is listed twice");
        }
        return new PluginLock(path, hashes);
    }

    /// <summary>
    /// Checks every pinned file of every directory in <paramref name="directories"/> (except the built-in folder) in
    /// ordinal path order, and throws at the first that is not listed or whose hash differs; then throws if the lock lists
    /// a file inside those directories that no longer exists. Returns the bytes that were hashed of every verified
    /// <c>*.dll</c>, so the host loads exactly those bytes rather than reading the file again.
    /// </summary>
    /// <exception cref="PluginLockException">
    /// A file is not listed, has changed (the message names it and both hashes), or is listed but missing.
    /// </exception>
    public IReadOnlyDictionary<string, byte[]> Verify(IEnumerable<string> directories)
    {
        var locked = LockedDirectories(directories).ToList();
        var verified = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in locked.SelectMany(PinnedFiles).Distinct().Order(StringComparer.Ordinal))
        {
            if (!_hashes.TryGetValue(file, out string? expected))
                throw new PluginLockException($"plugin file '{file}' is not listed in {Path}; refusing to load unpinned plugin files " +
                    $"(run 'pipeline plugins --write-lock {Path}' to pin the files now present)");
            byte[]? assembly = file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? File.ReadAllBytes(file) : null;
            string actual = assembly is null ? Sha256(file) : Convert.ToHexStringLower(SHA256.HashData(assembly));
            if (actual != expected)
                throw new PluginLockException($"plugin file '{file}' does not match {Path}: expected sha256 {expected}, actual {actual}");
            present.Add(file);
            if (assembly is not null) verified[file] = assembly;
        }
        foreach (string listed in _hashes.Keys.Order(StringComparer.Ordinal))
            if (!present.Contains(listed) && locked.Any(directory => IsInside(listed, directory)) && !File.Exists(listed))
                throw new PluginLockException($"plugin file '{listed}' is listed in {Path} but does not exist; refusing a plugin set that " +
                    $"differs from the lock (restore the file, or run 'pipeline plugins --write-lock {Path}' to pin the files now present)");
        return verified;
    }

    /// <summary>
    /// Writes a lock pinning the current pinned files of <paramref name="directories"/> (except the built-in folder) to
    /// <paramref name="path"/>, and returns how many files it lists.
    /// </summary>
    public static int Write(string path, IEnumerable<string> directories)
    {
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var files = LockedDirectories(directories).SelectMany(PinnedFiles).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder("# Plugin lock: SHA-256 of every plugin file outside the host's built-in folder (sha256sum format).\n")
            .Append("# Written by 'pipeline plugins --write-lock'; the host refuses changed or unlisted plugin files.\n");
        foreach (string file in files)
            text.Append(Sha256(file)).Append("  ").Append(System.IO.Path.GetRelativePath(folder, file).Replace('\\', '/')).Append('\n');
        Directory.CreateDirectory(folder);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return files.Count;
    }

    /// <summary>The files of <paramref name="directory"/> a lock pins (see the remarks), full paths.</summary>
    public static IEnumerable<string> PinnedFiles(string directory) =>
        Directory.EnumerateFiles(System.IO.Path.GetFullPath(directory), "*", SearchOption.AllDirectories).Where(IsPinned);

    /// <summary>The lower-case hex SHA-256 of <paramref name="file"/>.</summary>
    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static bool IsPinned(string file)
    {
        string name = System.IO.Path.GetFileName(file).ToLowerInvariant();
        return name.EndsWith(".dll") || name.EndsWith(".so") || name.Contains(".so.") || name.EndsWith(".dylib") || name.EndsWith(".deps.json");
    }

    /// <summary>A line as echoed in a message: control characters as '?', at most 100 characters.</summary>
    private static string Shown(string line)
    {
        string printable = new(line.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return printable.Length > 100 ? printable[..97] + "..." : printable;
    }

    private static bool IsInside(string file, string directory) =>
        file.StartsWith(directory + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static IEnumerable<string> LockedDirectories(IEnumerable<string> directories)
    {
        string builtIn = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(PluginSearchPath.BuiltInDirectory));
        return directories.Select(d => System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(d)))
            .Where(d => d != builtIn).Distinct(StringComparer.Ordinal);
    }
}
