using System.Text;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Reads a YAML file's text strictly: UTF-8 (a UTF-8 byte-order mark is skipped), or UTF-16 when the file starts with a
/// UTF-16 byte-order mark. Bytes that are not valid UTF-8 (Latin-1 text, UTF-16 without a byte-order mark, a binary
/// file), NUL and other control characters are refused at their line and column instead of being turned into
/// replacement characters, and a file larger than <see cref="MaxBytes"/> is refused before it is read. A file of length 0
/// is not opened (a FIFO would block the open, a device file never ends): it reads as empty.
/// </summary>
internal static class YamlFileText
{
    /// <summary>The largest config file read: far above any real pipeline or matrix, far below what could exhaust memory.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The text of <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file cannot be read, is too large, is not UTF-8 (or UTF-16 with a byte-order mark), or holds a control character.</exception>
    public static string Read(string path)
    {
        byte[] bytes = ReadBounded(path);
        if (bytes.AsSpan().StartsWith(Utf8Bom)) return Utf8(path, bytes, Utf8Bom.Length);
        if (bytes.Length >= 2 && (bytes[0], bytes[1]) is (0xFF, 0xFE) or (0xFE, 0xFF)) return Utf16(path, bytes, bigEndian: bytes[0] == 0xFE);
        return Utf8(path, bytes, 0);
    }

    private static byte[] ReadBounded(string path)
    {
        try
        {
            // A FIFO would block the open and a device file never ends; both report length 0 (through a symbolic link
            // too, once resolved), like an empty file, and are never opened: an empty file holds nothing anyway.
            var info = new FileInfo(path);
            if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            long length = info.Length;
            if (length == 0) return [];
            if (length > MaxBytes) throw TooLarge(path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new MemoryStream((int)length);
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > MaxBytes) throw TooLarge(path);
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, 0, $"cannot read the config file: {e.Message}");
        }
    }

    private static ConfigException TooLarge(string path) =>
        new(path, 0, 0, $"the config file is larger than {MaxBytes / (1024 * 1024)} MiB; refusing to read it (a pipeline YAML is a few kilobytes)");

    private static string Utf8(string path, byte[] bytes, int start)
    {
        int line = 1, column = 1;
        for (int i = start; i < bytes.Length;)
        {
            if (Rune.DecodeFromUtf8(bytes.AsSpan(i), out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
                throw new ConfigException(path, line, column,
                    $"the file is not UTF-8: byte 0x{bytes[i]:X2} (offset {i}) is not valid UTF-8 here; " +
                    "save the file as UTF-8 (Latin-1 text and UTF-16 without a byte-order mark are not accepted)");
            CheckCharacter(path, rune, line, column);
            (line, column) = rune.Value == '\n' ? (line + 1, 1) : (line, column + 1);
            i += consumed;
        }
        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    private static string Utf16(string path, byte[] bytes, bool bigEndian)
    {
        string text;
        try
        {
            text = new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes, 2, bytes.Length - 2);
        }
        catch (DecoderFallbackException e)
        {
            throw new ConfigException(path, 0, 0,
                $"the file starts with a UTF-16 byte-order mark but is not valid UTF-16 (at byte offset {e.Index + 2}); save it as UTF-8");
        }
        int line = 1, column = 1;
        foreach (Rune rune in text.EnumerateRunes())
        {
            CheckCharacter(path, rune, line, column);
            (line, column) = rune.Value == '\n' ? (line + 1, 1) : (line, column + 1);
        }
        return text;
    }

    private static void CheckCharacter(string path, Rune rune, int line, int column)
    {
        if (rune.Value == 0)
            throw new ConfigException(path, line, column,
                "the file holds a NUL byte; it is binary, or UTF-16 without a byte-order mark; save it as UTF-8 text");
        if (rune.Value is < 0x20 and not ('\t' or '\n' or '\r') || rune.Value == 0x7F)
            throw new ConfigException(path, line, column,
                $"the control character U+{rune.Value:X4} is not allowed in YAML; remove it");
    }
}
