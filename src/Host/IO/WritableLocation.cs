namespace Pipeline.Host.IO;

/// <summary>
/// Says whether a run can write where it means to, before it writes anything there: a folder that exists is probed by
/// creating and deleting an empty file in it (which is what fails in a read-only mount, an immutable folder, or for a
/// user without the right; permission bits alone stop no one running as root); a folder that does not exist yet needs
/// its nearest existing ancestor to be a folder that passes the same probe. Nothing is left behind and nothing is
/// created.
/// </summary>
public static class WritableLocation
{
    /// <summary>The name of the probe file, with a unique suffix; it is deleted as it is closed.</summary>
    public const string ProbePrefix = ".pipeline-write-probe-";

    /// <summary>
    /// What stops a folder from being created (if missing) and written at <paramref name="path"/>, as a phrase that
    /// follows the path in a message; <c>null</c> when nothing does.
    /// </summary>
    public static string? FolderProblem(string path)
    {
        string full = Path.GetFullPath(path);
        if (NameTooLong(full) is string tooLong) return tooLong;
        if (LinkProblem(full) is string link) return link;
        if (File.Exists(full)) return "is a file, not a folder";
        if (Directory.Exists(full)) return Probe(full);
        for (string? parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (LinkProblem(parent) is string parentLink) return $"cannot be created: '{parent}' {parentLink}";
            if (File.Exists(parent)) return $"cannot be created: '{parent}' is a file, not a folder";
            if (!Directory.Exists(parent)) continue;
            return Probe(parent) is string problem ? $"cannot be created in '{parent}', which {problem}" : null;
        }
        return "has no existing folder above it";
    }

    /// <summary>
    /// What stops the file at <paramref name="path"/> from being written or appended to, or from being created in its
    /// folder, as a phrase that follows the path in a message; <c>null</c> when nothing does. An existing file is opened
    /// for appending and closed without a byte written (its contents and time stay as they were).
    /// </summary>
    public static string? FileProblem(string path)
    {
        string full = Path.GetFullPath(path);
        if (NameTooLong(full) is string tooLong) return tooLong;
        if (Directory.Exists(full)) return "is a folder, not a file";
        if (LinkProblem(full) is string link) return link;
        if (!File.Exists(full)) return FolderProblem(Path.GetDirectoryName(full)!) is string problem ? $"cannot be created: its folder {problem}" : null;
        try
        {
            using var stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written ({SystemReason(error)})";
        }
    }

    private static string? Probe(string folder)
    {
        string probe = Path.Combine(folder, ProbePrefix + Guid.NewGuid().ToString("N"));
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written ({SystemReason(error)})";
        }
    }

    /// <summary>
    /// The system's reason for a failed file operation without the path .NET appends to it
    /// (<c>No space left on device : '/x/y'</c> gives <c>No space left on device</c>).
    /// </summary>
    public static string SystemReason(Exception error) =>
        error switch
        {
            UnauthorizedAccessException => "permission denied: read-only, immutable or not yours",
            _ => error.Message.IndexOf(" : '", StringComparison.Ordinal) is int at and > 0 ? error.Message[..at] : error.Message.TrimEnd('.'),
        };

    // A symbolic link whose target (followed to the end) does not exist, or a loop of links (File.Exists is true for both).
    /// <summary>The most bytes a name in a path may have on Linux's file systems (NAME_MAX).</summary>
    public const int MaxNameBytes = 255;

    private static string? NameTooLong(string path)
    {
        string? name = path.Split(Path.DirectorySeparatorChar).FirstOrDefault(n => System.Text.Encoding.UTF8.GetByteCount(n) > MaxNameBytes);
        return name is null ? null
            : $"has a name of {System.Text.Encoding.UTF8.GetByteCount(name)} bytes ('{name[..16]}...'), more than the {MaxNameBytes} a file system allows";
    }

    private static string? LinkProblem(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not string target) return null;
        try
        {
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            return final is null || final.Exists || Directory.Exists(final.FullName) ? null : $"is a symbolic link to '{target}', which does not exist";
        }
        catch (IOException)
        {
            return $"is a symbolic link that leads back to itself (through '{target}')";
        }
    }
}
