using Pipeline.Host.IO;

namespace Pipeline.Host.Interop;

/// <summary>
/// Makes an export all or nothing: the files are written into a hidden staging folder beside the destination
/// (<c>.NAME.partial-GUID</c>, on the same file system, so the final rename is atomic), which is renamed to the
/// destination once every file is complete. A failure deletes the staging folder and leaves no destination (an empty
/// destination folder stays, unless the final rename itself failed). A process killed mid-export can leave only the staging folder, never a partial destination.
/// </summary>
public static class ExportStaging
{
    /// <summary>What the staging folder's name starts with, after the dot and the destination's name.</summary>
    public const string PartialMarker = ".partial-";

    /// <summary>Refuses a destination that cannot be created, or whose folder cannot hold the staging folder.</summary>
    /// <exception cref="Config.Binding.ConfigException">On <c>--out</c> (exit code 2), naming the path and what stops it.</exception>
    public static void RefuseUnwritable(string destination)
    {
        string? problem = WritableLocation.FolderProblem(destination);
        string parent = Path.GetDirectoryName(destination) ?? destination;
        if (problem is null && Directory.Exists(parent)) problem = WritableLocation.FolderProblem(parent) is string p ? $"cannot be written: its folder {p}" : null;
        if (problem is not null) throw ExportUsage.Error("--out", $"'{destination}' {problem}; nothing was written");
    }

    /// <summary>
    /// Runs <paramref name="write"/> on a fresh staging folder, then renames that folder to <paramref name="destination"/>
    /// (which must be absent or empty) and returns the written paths as they are after the rename.
    /// </summary>
    public static IReadOnlyList<string> Write(string destination, Func<string, IReadOnlyList<string>> write)
    {
        string staging = Path.Combine(Path.GetDirectoryName(destination)!, "." + Path.GetFileName(destination) + PartialMarker + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(staging);
            var written = write(staging);
            // An empty destination folder gives way; a non-empty one (filled meanwhile) makes the delete fail, and the export with it.
            if (Directory.Exists(destination)) Directory.Delete(destination);
            Directory.Move(staging, destination);
            return written.Select(path => Path.Join(destination, Path.GetRelativePath(staging, path))).ToList();
        }
        catch (Exception error)
        {
            try
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The export's own failure is the one to report; the staging folder is only litter beside --out.
            }
            if (error is IOException or UnauthorizedAccessException)
                throw new IOException($"cannot write the export to '{destination}': {WritableLocation.SystemReason(error)}; nothing was left there", error);
            throw;
        }
    }
}
