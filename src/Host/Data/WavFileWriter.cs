using System.Text;

namespace Pipeline.Host.Data;

/// <summary>Writes mono 16-bit PCM WAV files.</summary>
public static class WavFileWriter
{
    /// <summary>
    /// Writes <paramref name="samples"/> (in [-1, 1]; clipped beyond) as 16-bit PCM. A sample <c>v</c> is stored as
    /// <c>round(v * 32768)</c> clamped to the 16-bit range, so <see cref="WavFileReader"/> gives it back within 1/32768.
    /// </summary>
    public static void Write(string path, IReadOnlyList<float> samples, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        const short channels = 1, bitsPerSample = 16;
        const short blockAlign = channels * bitsPerSample / 8;
        var dataBytes = samples.Count * blockAlign;
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
        foreach (var sample in samples)
        {
            writer.Write((short)Math.Clamp(MathF.Round(sample * 32768f), short.MinValue, short.MaxValue));
        }
    }
}
