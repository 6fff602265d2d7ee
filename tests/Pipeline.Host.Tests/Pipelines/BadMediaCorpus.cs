using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;
using SkiaSharp;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Media files a careless or hostile user could point samples at, each made in a <see cref="LlavaDataFolder"/> by a
/// few bytes written in the test, with the sample that refers to it and what the data check must say about it.
/// </summary>
public static class BadMediaCorpus
{
    /// <summary>One bad media file.</summary>
    /// <param name="Name">The case, also the id of its sample.</param>
    /// <param name="Modality"><c>image</c> or <c>audio</c>.</param>
    /// <param name="Reason">The problem kind as metrics spell it.</param>
    /// <param name="Detail">The message after the sample's location; <c>{path}</c> stands for the media path.</param>
    /// <param name="Make">Writes the file in the folder and returns the path the sample names (relative to the data folder, or absolute).</param>
    public sealed record Case(string Name, string Modality, string Reason, string Detail, Func<LlavaDataFolder, string> Make);

    public static IReadOnlyList<Case> Cases { get; } =
    [
        new("png-truncated", "image", "corrupt_media", "image file '{path}' is truncated or damaged: only part of the image decodes",
            data => Write(data, "cut.png", Png(data)[..^600])),
        new("jpeg-truncated", "image", "corrupt_media", "image file '{path}' is truncated or damaged: only part of the image decodes",
            data => Write(data, "cut.jpg", Jpeg(data)[..^600])),
        new("png-damaged", "image", "corrupt_media", "image file '{path}' is truncated or damaged: only part of the image decodes",
            data => Write(data, "damaged.png", Damaged(Png(data)))),
        new("png-empty", "image", "corrupt_media", "image file '{path}' is empty (0 bytes)",
            data => Write(data, "empty.png", [])),
        new("text-named-png", "image", "corrupt_media", "cannot decode image file '{path}' (not a PNG or JPEG image?)",
            data => Write(data, "text.png", "this is a text file"u8.ToArray())),
        new("png-bomb", "image", "media_too_large",
            "image file '{path}' is 50000 x 50000 pixels, more than the 67108864 (8192 x 8192) an image may have",
            data => Write(data, "bomb.png", PngHeader(50_000, 50_000))),
        new("odd-name", "image", "corrupt_media", "cannot decode image file '{path}' (not a PNG or JPEG image?)",
            data => Write(data, "it's a \"weird\" näme #1 $HOME.png", "not an image"u8.ToArray())),
        new("wav-empty", "audio", "corrupt_media", "audio file '{path}' is empty (0 bytes)",
            data => Write(data, "empty.wav", [])),
        new("png-named-wav", "audio", "corrupt_media", "audio file '{path}' is not a WAV file (no RIFF/WAVE header)",
            data => Write(data, "image.wav", Png(data))),
        new("wav-truncated", "audio", "corrupt_media", "audio file '{path}' is truncated: its data chunk declares 1600 bytes but the file holds 800",
            data => Write(data, "cut.wav", Wav(channels: 1, rate: 16000, declaredData: 1600, data: new byte[800]))),
        new("wav-short-fmt", "audio", "corrupt_media", "audio file '{path}' has a fmt chunk of 8 bytes, expected at least 16",
            data => Write(data, "short-fmt.wav", [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVEfmt "u8, 8, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0])),
        new("wav-no-samples", "audio", "corrupt_media", "audio file '{path}' holds no audio samples (its data chunk has 0 bytes)",
            data => Write(data, "silent.wav", Wav(channels: 1, rate: 16000, declaredData: 0, data: []))),
        new("wav-zero-channels", "audio", "corrupt_media", "audio file '{path}' has an invalid fmt chunk (0 channels, 16000 Hz, block align 2)",
            data => Write(data, "no-channels.wav", Wav(channels: 0, rate: 16000, declaredData: 800, data: new byte[800]))),
        new("wav-negative-rate", "audio", "corrupt_media", "audio file '{path}' has an invalid fmt chunk (1 channels, -1 Hz, block align 2)",
            data => Write(data, "negative-rate.wav", Wav(channels: 1, rate: -1, declaredData: 800, data: new byte[800]))),
        new("wav-absurd-rate", "audio", "media_rejected",
            "'wav-absurd-rate (absurd-rate.wav)': sample rate is 2000000000 Hz, but encoder 'audio' expects 16000 Hz; resample the audio",
            data => Write(data, "absurd-rate.wav", Wav(channels: 1, rate: 2_000_000_000, declaredData: 800, data: new byte[800]))),
        new("wav-too-large", "audio", "media_too_large",
            "audio file '{path}' is 1073741825 bytes, more than the 1073741824 bytes (1 GiB) a media file may have",
            data => Sparse(data, "huge.wav", MediaPathInspector.MaxFileBytes + 1)),
        new("fifo", "image", "unreadable_media", "image file '{path}' is a named pipe (FIFO), not a regular file",
            data => Fifo(data, "pipe.png")),
        new("socket", "audio", "unreadable_media", "audio file '{path}' is a socket, not a regular file",
            data => Socket(data, "socket.wav")),
        new("dev-zero", "image", "unreadable_media", "image file '{path}' is a character device, not a regular file",
            _ => "/dev/zero"),
        new("link-to-dev-null", "audio", "unreadable_media", "audio file '{path}' is a character device, not a regular file",
            data => Link(data, "null.wav", "/dev/null")),
        new("kernel-file", "image", "corrupt_media", "image file '{path}' is empty (0 bytes)",
            _ => "/proc/self/mem"),
        new("directory", "image", "unreadable_media", "image file '{path}' is a directory, not a file",
            data => Directory.CreateDirectory(data.Media("folder.png")).Name),
        new("link-loop", "image", "unreadable_media",
            "image file '{path}' is a symbolic link that never resolves (a loop of links, or more than 40 in a chain)",
            data => Link(data, "loop-a.png", Link(data, "loop-b.png", "loop-a.png"))),
        new("dangling-link", "image", "missing_media", "image file '{path}' is a symbolic link to 'gone.png', which does not exist",
            data => Link(data, "dangling.png", "gone.png")),
        new("through-a-file", "image", "missing_media", "image file '{path}' does not exist (a folder on its path is a file)",
            _ => "red.png/inner.png"),
        new("unreadable", "image", "unreadable_media", "image file '{path}' cannot be read: permission denied",
            Unreadable),
        new("nul-in-path", "image", "malformed", "\"image\" must be a file path, without NUL characters",
            _ => "red.png\0.txt"),
    ];

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static Case Named(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Makes the case's file and returns its sample and the media path as messages spell it.</summary>
    public static (object Item, string Path) Make(Case bad, LlavaDataFolder data)
    {
        string named = bad.Make(data);
        string question = bad.Modality == "image" ? "<image>\nwhat colour is it ?" : "<audio>\nhow many beeps ?";
        object item = bad.Modality == "image"
            ? new { id = bad.Name, image = named, conversations = LlavaDataFolder.Turns(question, "red") }
            : new { id = bad.Name, audio = named, conversations = LlavaDataFolder.Turns(question, "one") };
        return (item, System.IO.Path.Combine(data.DataDirectory, named));
    }

    /// <summary>A file the run may not read: mode 000, or, for root (who reads any mode), a link to a file of the kernel's that even root may not read.</summary>
    private static string Unreadable(LlavaDataFolder data)
    {
        if (Environment.IsPrivilegedProcess) return Link(data, "secret.png", "/proc/sys/vm/compact_memory");
        string name = Write(data, "secret.png", Png(data));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(data.Media(name), UnixFileMode.None);
        return name;
    }

    private static string Write(LlavaDataFolder data, string name, byte[] bytes)
    {
        File.WriteAllBytes(data.Media(name), bytes);
        return name;
    }

    private static string Link(LlavaDataFolder data, string name, string target)
    {
        File.CreateSymbolicLink(data.Media(name), target);
        return name;
    }

    private static string Sparse(LlavaDataFolder data, string name, long length)
    {
        using (var file = new FileStream(data.Media(name), FileMode.CreateNew)) file.SetLength(length);
        return name;
    }

    private static string Fifo(LlavaDataFolder data, string name)
    {
        if (MakeFifo(data.Media(name), 0b110_100_100) != 0) throw new IOException($"mkfifo failed (errno {Marshal.GetLastPInvokeError()})");
        return name;
    }

    private static string Socket(LlavaDataFolder data, string name)
    {
        // A bound socket's file goes when .NET closes the socket; mknod makes one that stays.
        const uint socketType = 0xC000;
        if (MakeNode(data.Media(name), socketType | 0b110_100_100, 0) != 0) throw new IOException($"mknod failed (errno {Marshal.GetLastPInvokeError()})");
        return name;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "mknod", SetLastError = true)]
    private static extern int MakeNode([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode, ulong device);

    /// <summary>A 64 x 64 PNG of noise (noise does not compress, so cutting the file cuts rows).</summary>
    private static byte[] Png(LlavaDataFolder data)
    {
        string path = data.Media($"noise-{Guid.NewGuid():N}.png");
        ImageFileEncoder.WritePng(path, Noise());
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    private static byte[] Jpeg(LlavaDataFolder data)
    {
        string path = data.Media($"noise-{Guid.NewGuid():N}.jpg");
        ImageFileEncoder.WriteJpeg(path, Noise());
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    /// <summary>The bytes with a run in the middle (inside the image data) overwritten.</summary>
    private static byte[] Damaged(byte[] bytes)
    {
        Array.Fill(bytes, (byte)0x5A, bytes.Length / 2, 64);
        return bytes;
    }

    private static ImageItem Noise()
    {
        var random = new Random(11);
        return new ImageItem("noise", Enumerable.Range(0, 3 * 64 * 64).Select(_ => (float)random.NextDouble()).ToArray(), 64, 64);
    }

    /// <summary>
    /// A PNG signature and a valid IHDR chunk claiming <paramref name="width"/> x <paramref name="height"/> RGB pixels,
    /// an IDAT chunk of an empty zlib stream, then IEND: 70 bytes.
    /// </summary>
    private static byte[] PngHeader(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        return [137, 80, 78, 71, 13, 10, 26, 10, .. Chunk("IHDR", header), .. Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
            .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] body)
    {
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. body];
        var chunk = new byte[12 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, body.Length);
        typed.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + body.Length), Crc32(typed));
        return chunk;
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A 16-bit PCM WAV file whose header says what the arguments say, whatever the data holds.</summary>
    private static byte[] Wav(ushort channels, int rate, uint declaredData, byte[] data)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 36 + data.Length);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), channels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 16);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), declaredData);
        return [.. header, .. data];
    }
}
