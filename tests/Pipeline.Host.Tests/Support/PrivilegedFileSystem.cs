namespace Pipeline.Host.Tests.Support;

/// <summary>
/// File-system states that only root can make, for the tests of places a run cannot write: an immutable folder
/// (<c>chattr +i</c>), a read-only bind mount and a small tmpfs (a disk that fills up). Permission bits are no test
/// here, since the tests run as root, whom they do not stop.
/// </summary>
public static class PrivilegedFileSystem
{
    /// <summary>What this machine lacks for these states (not root, no <c>chattr</c>, mounting refused); <c>null</c> when nothing.</summary>
    public static string? MissingRequirement()
    {
        if (Environment.UserName != "root") return $"these tests need root (running as {Environment.UserName})";
        string probe = Path.Combine(Path.GetTempPath(), "pipeline-privileged-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            try
            {
                using (Immutable(probe)) { }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                return $"chattr +i does not work here: {e.Message}";
            }
            try
            {
                using (Tmpfs(probe, "64k")) { }
            }
            catch (InvalidOperationException e)
            {
                return $"mount -t tmpfs does not work here: {e.Message}";
            }
            return null;
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    /// <summary>Makes <paramref name="path"/> immutable until disposed.</summary>
    public static IDisposable Immutable(string path)
    {
        Run("chattr", "+i", path);
        return new Undo(() => Run("chattr", "-i", path));
    }

    /// <summary>Mounts <paramref name="folder"/> read-only over itself until disposed.</summary>
    public static IDisposable ReadOnly(string folder)
    {
        Run("mount", "--bind", "-o", "ro", folder, folder);
        return new Undo(() => Run("umount", folder));
    }

    /// <summary>Mounts an empty tmpfs of <paramref name="size"/> (<c>300k</c>) on <paramref name="folder"/> until disposed.</summary>
    public static IDisposable Tmpfs(string folder, string size)
    {
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder);
        return new Undo(() => Run("umount", folder));
    }

    private static void Run(string program, params string[] arguments)
    {
        var result = CommandResult.Run(program, arguments, timeout: TimeSpan.FromSeconds(20));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Error.Trim()}");
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
