using System.Runtime.InteropServices;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// Flushes a directory's entries (new names, renames) to disk with <c>fsync</c> on the directory, so that a
/// checkpoint's rename and the new <c>latest</c> survive a power loss, not only a killed process. .NET has no API
/// for it; on other systems than Linux and macOS this does nothing.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int descriptor = Open(directory, ReadOnly);
        if (descriptor < 0) return;
        try
        {
            if (Fsync(descriptor) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);
}
