using System.Text;

namespace Pipeline.Host.Tests.Data;

/// <summary>Writes two-channel 16-bit PCM WAV files (the host's own writer writes mono only).</summary>
public static class StereoWav
{
    /// <summary>Writes frames of (<paramref name="left"/>[i], <paramref name="right"/>[i]), each stored as <c>round(v * 32768)</c>.</summary>
    public static void Write(string path, IReadOnlyList<float> left, IReadOnlyList<float> right, int sampleRate)
    {
        const short channels = 2, bitsPerSample = 16, blockAlign = channels * bitsPerSample / 8;
        int dataBytes = left.Count * blockAlign;
        using var writer = new BinaryWriter(File.Create(path), Encoding.ASCII);
        writer.Write("RIFF"u8);
        writer.Write(36 + dataBytes);
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write(channels);
        writer.Write(sampleRate);
        writer.Write(sampleRate * blockAlign);
        writer.Write(blockAlign);
        writer.Write(bitsPerSample);
        writer.Write("data"u8);
        writer.Write(dataBytes);
        for (int i = 0; i < left.Count; i++)
        {
            writer.Write((short)Math.Round(left[i] * 32768));
            writer.Write((short)Math.Round(right[i] * 32768));
        }
    }
}
