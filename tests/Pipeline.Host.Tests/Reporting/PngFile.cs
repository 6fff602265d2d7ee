using System.Buffers.Binary;

namespace Pipeline.Host.Tests.Reporting;

/// <summary>Reads what a test needs of a PNG file: its signature and the size in its IHDR chunk.</summary>
public static class PngFile
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height; throws when the file is not a PNG that starts with its IHDR chunk.</summary>
    public static (int Width, int Height) Size(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes.Length.Should().BeGreaterThan(33, "a PNG holds at least its signature and IHDR chunk");
        bytes.AsSpan(0, 8).ToArray().Should().Equal(Signature, "'{0}' must start with the PNG signature", path);
        System.Text.Encoding.ASCII.GetString(bytes, 12, 4).Should().Be("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
