using System.Text;

namespace Pipeline.Host.Data;

/// <summary>Writes 16-bit PCM WAV files, mono or with several channels.</summary>
public static class WavFileWriter
{
    /// <summary>
    /// Writes <paramref name="samples"/> (in [-1, 1]; clipped beyond) as mono 16-bit PCM. A sample <c>v</c> is stored
    /// as <c>round(v * 32768)</c> clamped to the 16-bit range, so <see cref="WavFileReader"/> gives it back within 1/32768.
    /// </summary>
    public static void Write(string path, IReadOnlyList<float> samples, int sampleRate) => Write(path, [samples], sampleRate);

    /// <summary>
    /// Writes one list of samples per channel (all of the same length), interleaved frame by frame, each stored as
    /// in <see cref="Write(string, IReadOnlyList{float}, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No channel, or channels of different lengths.</exception>
    public static void Write(string path, IReadOnlyList<IReadOnlyList<float>> channels, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        if (channels.Count == 0 || channels.Any(c => c.Count != channels[0].Count))
            throw new ArgumentException("a WAV file needs at least one channel, all of the same length", nameof(channels));
        const short bitsPerSample = 16;
        short channelCount = (short)channels.Count;
        short blockAlign = (short)(channelCount * bitsPerSample / 8);
        int frames = channels[0].Count;
        var dataBytes = frames * blockAlign;
        using var writer = new BinaryWriter(File.Create(path), Encoding.ASCII);
        writer.Write("RIFF"u8);
        writer.Write(36 + dataBytes);
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write(channelCount);
        writer.Write(sampleRate);
        writer.Write(sampleRate * blockAlign);
        writer.Write(blockAlign);
        writer.Write(bitsPerSample);
        writer.Write("data"u8);
        writer.Write(dataBytes);
        for (int frame = 0; frame < frames; frame++)
        {
            foreach (var channel in channels)
                writer.Write((short)Math.Clamp(MathF.Round(channel[frame] * 32768f), short.MinValue, short.MaxValue));
        }
    }
}
