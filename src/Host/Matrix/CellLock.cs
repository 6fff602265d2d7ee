namespace Pipeline.Host.Matrix;

/// <summary>
/// <c>cell.lock</c> in a cell's run directory, held exclusively (an advisory file lock) by the process training the
/// cell, so two processes (a second terminal, a CI retry, a local run beside a Slurm array) never train one cell at once.
/// </summary>
public sealed class CellLock : IDisposable
{
    public const string FileName = "cell.lock";

    private readonly FileStream _stream;

    private CellLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock of <paramref name="runDirectory"/>, or returns <c>null</c> when another process holds it.</summary>
    public static CellLock? TryTake(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        try
        {
            return new CellLock(new FileStream(Path.Combine(runDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether another process holds the lock of <paramref name="runDirectory"/> now.</summary>
    public static bool IsHeld(string runDirectory)
    {
        if (!File.Exists(Path.Combine(runDirectory, FileName))) return false;
        using var taken = TryTake(runDirectory);
        return taken is null;
    }

    /// <summary>The message for a cell another process is training.</summary>
    public static string Busy(string name, string runDirectory) =>
        $"cell {name} is being trained by another process (it holds {Path.Combine(runDirectory, FileName)}); left to it";

    public void Dispose() => _stream.Dispose();
}
