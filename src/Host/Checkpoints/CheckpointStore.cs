using System.Globalization;
using Pipeline.Host.IO;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// A run's <c>checkpoints/</c> folder (layout in <see cref="CheckpointLocation"/>). Writes each checkpoint into a
/// temporary directory, flushes it, renames it to its final name and only then replaces <c>latest</c> (by writing
/// <c>latest.tmp</c> and renaming it over), so <c>latest</c> always names a complete checkpoint. Older checkpoints are
/// deleted only after the new one is complete. Every file-system call goes through <see cref="TransientFileRetry"/>.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>Checkpoint directories are named <c>checkpoint-</c> and the run's global step, six digits or more.</summary>
    public const string NamePrefix = "checkpoint-";

    /// <summary>Directories being written or deleted start with this; a crash may leave them, the next start removes them.</summary>
    public const string TemporaryPrefix = ".tmp-";

    /// <summary>The file every checkpoint directory holds besides the weights (<see cref="TrainerState"/>).</summary>
    public const string StateFileName = "trainer_state.json";

    private const string LatestTemporaryName = "latest.tmp";

    private readonly TransientFileRetry _retry;
    private readonly Action<string>? _fileWritten;

    /// <param name="folder">The checkpoints folder (<c>{output_dir}/checkpoints</c>).</param>
    /// <param name="retry">The retry policy for file-system calls; <see cref="TransientFileRetry.Default"/> when null.</param>
    /// <param name="fileWritten">Called with each file's path after it is written (tests inject failures here).</param>
    public CheckpointStore(string folder, TransientFileRetry? retry = null, Action<string>? fileWritten = null)
    {
        Folder = Path.GetFullPath(folder);
        _retry = retry ?? TransientFileRetry.Default;
        _fileWritten = fileWritten;
    }

    /// <summary>The checkpoints folder.</summary>
    public string Folder { get; }

    /// <summary>The directory of checkpoint <paramref name="name"/>.</summary>
    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>The checkpoint name for a run's global step (optimizer steps over all stages so far).</summary>
    public static string NameFor(long globalStep) => NamePrefix + globalStep.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The global step a checkpoint name stands for.</summary>
    public static bool TryParseStep(string name, out long step)
    {
        step = 0;
        return name.StartsWith(NamePrefix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(NamePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out step);
    }

    /// <summary>
    /// The checkpoint <c>latest</c> names, or <c>null</c> when there is no <c>latest</c> file. Throws
    /// <see cref="InvalidDataException"/> when it names anything but a complete checkpoint directory.
    /// </summary>
    public string? Latest()
    {
        string path = Path.Combine(Folder, CheckpointLocation.LatestFileName);
        if (!_retry.Execute(() => File.Exists(path))) return null;
        _retry.Execute(() => NonEmptyFile.Require(path));
        string name = _retry.Execute(() => File.ReadAllText(path)).Trim();
        if (!IsComplete(name))
            throw new InvalidDataException($"'{path}' names '{name}', which is not a complete checkpoint directory in {Folder} " +
                "(it needs " + CheckpointLocation.WeightsFileName + " and " + StateFileName + ")");
        return name;
    }

    /// <summary>The complete checkpoint directories, oldest first.</summary>
    public IReadOnlyList<string> Checkpoints() =>
        _retry.Execute(() => Directory.Exists(Folder) ? Directory.GetDirectories(Folder) : [])
            .Select(Path.GetFileName)
            .Where(name => name is not null && IsComplete(name))
            .Select(name => name!)
            .OrderBy(name => TryParseStep(name, out long step) ? step : -1)
            .ToList();

    /// <summary>
    /// Removes what an interrupted run leaves behind: temporary directories, <c>latest.tmp</c>, and checkpoint
    /// directories newer than <paramref name="keep"/> (all of them when it is <c>null</c>), which no <c>latest</c>
    /// ever named. Returns the names removed.
    /// </summary>
    public IReadOnlyList<string> RemoveLeftovers(string? keep)
    {
        if (!_retry.Execute(() => Directory.Exists(Folder))) return [];
        long keptStep = keep is not null && TryParseStep(keep, out long step) ? step : -1;
        var removed = new List<string>();
        foreach (string directory in _retry.Execute(() => Directory.GetDirectories(Folder)))
        {
            string name = Path.GetFileName(directory);
            bool temporary = name.StartsWith(TemporaryPrefix, StringComparison.Ordinal);
            bool newer = TryParseStep(name, out long itsStep) && itsStep > keptStep;
            if (!temporary && !newer) continue;
            if (temporary) _retry.Execute(() => Directory.Delete(directory, recursive: true));
            else Delete(name);
            removed.Add(name);
        }
        string latestTemporary = Path.Combine(Folder, LatestTemporaryName);
        if (_retry.Execute(() => File.Exists(latestTemporary)))
        {
            _retry.Execute(() => File.Delete(latestTemporary));
            removed.Add(LatestTemporaryName);
        }
        return removed;
    }

    /// <summary>
    /// Writes <paramref name="files"/> as checkpoint <paramref name="name"/>, points <c>latest</c> at it, and deletes
    /// all but the newest <paramref name="keepLast"/> checkpoints. If anything fails before the rename, the temporary
    /// directory is removed and <c>latest</c> still names the previous checkpoint. Returns the checkpoint directory.
    /// </summary>
    public string Write(string name, IReadOnlyList<CheckpointFile> files, int keepLast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        if (!TryParseStep(name, out _)) throw new ArgumentException($"'{name}' is not a checkpoint name ({NamePrefix}<step>)", nameof(name));
        _retry.Execute(() => Directory.CreateDirectory(Folder));
        string temporary = PathOf($"{TemporaryPrefix}{name}-{Guid.NewGuid():N}");
        string final = PathOf(name);
        try
        {
            _retry.Execute(() => Directory.CreateDirectory(temporary));
            foreach (var file in files)
            {
                string path = Path.Combine(temporary, file.Name);
                _retry.Execute(() => WriteFile(path, file.Content));
                _fileWritten?.Invoke(path);
            }
            DirectorySync.Flush(temporary);
            // A directory with this name can only be left from a run that was interrupted before `latest` named it.
            if (_retry.Execute(() => Directory.Exists(final)))
            {
                if (Latest() == name) throw new InvalidOperationException($"checkpoint '{name}' exists and 'latest' names it; it is not rewritten");
                Delete(name);
            }
            _retry.Execute(() => Directory.Move(temporary, final));
        }
        catch (Exception error)
        {
            try
            {
                if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            }
            catch (IOException)
            {
                // Left for the next start to remove; the failure being reported matters more.
            }
            if (error is IOException or UnauthorizedAccessException) throw WriteFailed(name, error);
            throw;
        }
        DirectorySync.Flush(Folder);
        PointLatestAt(name);
        Prune(keepLast);
        return final;
    }

    // A full disk or a folder made read-only mid-run: say which checkpoint failed and which one a resume would use.
    private IOException WriteFailed(string name, Exception error)
    {
        string? latest = null;
        try
        {
            latest = Latest();
        }
        catch (InvalidDataException)
        {
            // A broken 'latest' is reported by the next start; the write failure is the news here.
        }
        string kept = latest is null
            ? "no earlier checkpoint of this run exists"
            : $"'latest' still names {latest}, which is complete: free space (or fix the folder) and continue the run with --resume";
        return new IOException($"cannot write checkpoint {name} in '{Folder}': {WritableLocation.SystemReason(error)}; nothing of it was kept, and {kept}", error);
    }

    private void PointLatestAt(string name)
    {
        string temporary = Path.Combine(Folder, LatestTemporaryName);
        _retry.Execute(() =>
        {
            WriteFile(temporary, ByteChunks.Of(System.Text.Encoding.UTF8.GetBytes(name + "\n")));
            File.Move(temporary, Path.Combine(Folder, CheckpointLocation.LatestFileName), overwrite: true);
        });
        DirectorySync.Flush(Folder);
    }

    private void Prune(int keepLast)
    {
        string? latest = Latest();
        var all = Checkpoints();
        foreach (string name in all.Take(Math.Max(0, all.Count - keepLast)).Where(n => n != latest)) Delete(name);
    }

    /// <summary>Renames a checkpoint to a temporary name before deleting it, so a crash never leaves half of one under its name.</summary>
    private void Delete(string name)
    {
        string doomed = PathOf($"{TemporaryPrefix}delete-{name}-{Guid.NewGuid():N}");
        _retry.Execute(() => Directory.Move(PathOf(name), doomed));
        _retry.Execute(() => Directory.Delete(doomed, recursive: true));
    }

    private bool IsComplete(string name) =>
        TryParseStep(name, out _)
        && _retry.Execute(() => File.Exists(Path.Combine(PathOf(name), CheckpointLocation.WeightsFileName))
                                && File.Exists(Path.Combine(PathOf(name), StateFileName)));

    private static void WriteFile(string path, ByteChunks content)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        content.WriteTo(file);
        file.Flush(flushToDisk: true);
    }
}
