using System.Runtime.InteropServices;

namespace Pipeline.Host.Data;

/// <summary>
/// Looks at what a media path names before anything opens it, and reads media files whole once they pass. Opening a
/// named pipe (FIFO) for reading blocks until a writer appears, and reading a device such as <c>/dev/zero</c> never
/// ends, so the kind of file is taken from its status (<c>statx</c>, following links) and only a regular file is
/// opened. On Linux this tells every kind apart (directory, FIFO, socket, device, loop of links, dangling link, a file
/// the run may not read); elsewhere only missing files and directories are told apart. Conversation and tokenizer files
/// are looked at the same way (<see cref="InspectDataFile"/>), without the limits on media.
/// </summary>
public static class MediaPathInspector
{
    /// <summary>The largest media file read (1 GiB): media are read whole into memory before they are decoded.</summary>
    public const long MaxFileBytes = 1L << 30;

    private const int AtCurrentDirectory = -100, AtSymlinkNoFollow = 0x100, ReadPermission = 4;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxSize = 0x200;
    private const int NoEntry = 2, AccessDenied = 13, NotADirectory = 20, NotImplemented = 38, TooManyLinks = 40;
    private const int TypeMask = 0xF000, Fifo = 0x1000, CharacterDevice = 0x2000, DirectoryType = 0x4000,
        BlockDevice = 0x6000, Regular = 0x8000, SymbolicLink = 0xA000, Socket = 0xC000;

    /// <summary>A path's status: the error number of the call (0 when it succeeded), the file type bits and the size.</summary>
    private readonly record struct Status(int Error, int Type, long Size);

    /// <summary>
    /// What is wrong with <paramref name="path"/> as a media file, or <c>null</c> when it is a regular file (after
    /// following links) that the run may read, not empty and no larger than <see cref="MaxFileBytes"/>. Never opens the file.
    /// </summary>
    /// <param name="modality"><c>image</c> or <c>audio</c>, for the message.</param>
    /// <param name="path">The path as it will be opened.</param>
    public static MediaPathProblem? Inspect(string modality, string path) => Inspect($"{modality} file '{path}'", path, media: true);

    /// <summary>
    /// What is wrong with <paramref name="path"/>, a data file that is not media (a conversation file, a tokenizer),
    /// or <c>null</c> when it is a regular file the run may read: the kinds <see cref="Inspect"/> tells apart, without
    /// the limits on media sizes. A named pipe is refused too: the data is read twice.
    /// </summary>
    /// <param name="file">How messages name the file: <c>LLaVA data file '/d/train.json'</c>.</param>
    /// <param name="path">The path as it will be opened.</param>
    public static MediaPathProblem? InspectDataFile(string file, string path) => Inspect(file, path, media: false);

    private static MediaPathProblem? Inspect(string file, string path, bool media)
    {
        if (path.Contains('\0')) return Unreadable($"{file} contains a NUL character");
        Status? status = OperatingSystem.IsLinux() ? Stat(path, followLinks: true) : null;
        if (status is not { } found) return InspectPortably(file, path, media);
        switch (found.Error)
        {
            case 0:
                break;
            case NoEntry:
                return Stat(path, followLinks: false) is { Error: 0, Type: SymbolicLink }
                    ? new MediaPathProblem(SampleProblemReason.MissingMedia,
                        $"{file} is a symbolic link to '{new FileInfo(path).LinkTarget}', which does not exist")
                    : new MediaPathProblem(SampleProblemReason.MissingMedia, $"{file} does not exist");
            case NotADirectory:
                return new MediaPathProblem(SampleProblemReason.MissingMedia, $"{file} does not exist (a folder on its path is a file)");
            case TooManyLinks:
                return Unreadable($"{file} is a symbolic link that never resolves (a loop of links, or more than 40 in a chain)");
            case AccessDenied:
                return Unreadable($"{file} cannot be read: permission denied on a folder on its path");
            default:
                return Unreadable($"{file} cannot be examined: {Marshal.GetPInvokeErrorMessage(found.Error)}");
        }
        string? notRegular = found.Type switch
        {
            Regular => null,
            DirectoryType => "is a directory, not a file",
            Fifo => "is a named pipe (FIFO), not a regular file",
            CharacterDevice => "is a character device, not a regular file",
            BlockDevice => "is a block device, not a regular file",
            Socket => "is a socket, not a regular file",
            _ => "is not a regular file",
        };
        if (notRegular is not null) return Unreadable($"{file} {notRegular}");
        // Root passes this check for any mode, and may then indeed read the file.
        if (Access(path, ReadPermission) != 0) return Unreadable($"{file} cannot be read: permission denied");
        if (!media) return null;
        if (found.Size > MaxFileBytes) return TooLarge(file, found.Size);
        // Kernel files (/proc/kmsg, /proc/self/mem) call themselves regular and empty, and some block when read.
        if (found.Size == 0) return new MediaPathProblem(SampleProblemReason.CorruptMedia, $"{file} is empty (0 bytes)");
        return null;
    }

    /// <summary>
    /// Reads the media file <paramref name="path"/> whole, after <see cref="Inspect"/> found nothing wrong with it;
    /// transient I/O errors are retried by <paramref name="reader"/>.
    /// </summary>
    /// <exception cref="MediaProblemException">The path is not a readable regular file of an accepted size; the reason says which.</exception>
    /// <exception cref="IOException">The file could not be read, even after retries.</exception>
    public static byte[] ReadBytes(string modality, string path, DataFileReader reader)
    {
        if (Inspect(modality, path) is { } problem) throw new MediaProblemException(problem.Reason, problem.Detail);
        try
        {
            return reader.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new MediaProblemException(SampleProblemReason.UnreadableMedia, $"{modality} file '{path}' cannot be read: permission denied");
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MediaProblemException(SampleProblemReason.MissingMedia, $"{modality} file '{path}' does not exist");
        }
    }

    private static MediaPathProblem Unreadable(string detail) => new(SampleProblemReason.UnreadableMedia, detail);

    private static MediaPathProblem TooLarge(string file, long size) => new(SampleProblemReason.MediaTooLarge,
        $"{file} is {size} bytes, more than the {MaxFileBytes} bytes (1 GiB) a media file may have");

    /// <summary>Without <c>statx</c>: tells missing files and directories apart, trusts the rest to be regular files.</summary>
    private static MediaPathProblem? InspectPortably(string file, string path, bool media)
    {
        if (Directory.Exists(path)) return Unreadable($"{file} is a directory, not a file");
        if (!File.Exists(path)) return new MediaPathProblem(SampleProblemReason.MissingMedia, $"{file} does not exist");
        if (!media) return null;
        long size = new FileInfo(path).Length;
        if (size > MaxFileBytes) return TooLarge(file, size);
        return size == 0 ? new MediaPathProblem(SampleProblemReason.CorruptMedia, $"{file} is empty (0 bytes)") : null;
    }

    /// <summary>The status of <paramref name="path"/>, or <c>null</c> when <c>statx</c> is not available here.</summary>
    private static Status? Stat(string path, bool followLinks)
    {
        // struct statx is 256 bytes on every architecture: stx_mode is the 16-bit field at offset 28, stx_size at 40.
        var buffer = new byte[256];
        int result;
        try
        {
            result = Statx(AtCurrentDirectory, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxMode | StatxSize, buffer);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        if (result != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            return error == NotImplemented ? null : new Status(error, 0, 0);
        }
        return new Status(0, BitConverter.ToUInt16(buffer, 28) & TypeMask, (long)BitConverter.ToUInt64(buffer, 40));
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
}
