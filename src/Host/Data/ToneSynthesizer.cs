using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>
/// Synthesizes <see cref="ToneClip"/>s: tone bursts with short fades, separated by silence, with small jitter of
/// pitch, amplitude, length and timing, plus faint uniform noise (at most 0.01) everywhere.
/// </summary>
public static class ToneSynthesizer
{
    /// <summary>Root frequency in Hz of the low pitch, before a jitter of up to 3%.</summary>
    public const double LowHz = 300;

    /// <summary>Root frequency in Hz of the high pitch, before a jitter of up to 3%.</summary>
    public const double HighHz = 1200;

    /// <summary>The frequency ratios of a chord (a major triad).</summary>
    public static IReadOnlyList<double> ChordRatios { get; } = [1.0, 5.0 / 4.0, 3.0 / 2.0];

    /// <summary>Largest absolute value of the background noise.</summary>
    public const float NoiseLevel = 0.01f;

    /// <summary>Renders <paramref name="clip"/> as <paramref name="seconds"/> of mono audio.</summary>
    public static AudioItem Render(ToneClip clip, Random random, int sampleRate, double seconds, string sourceId)
    {
        var length = (int)Math.Round(sampleRate * seconds);
        var samples = new float[length];
        var root = (clip.Pitch == "high" ? HighHz : LowHz) * (1 + 0.03 * (random.NextDouble() * 2 - 1));
        IReadOnlyList<double> ratios = clip.Kind == "chord" ? ChordRatios : [1.0];

        var beepLengths = new int[clip.BeepCount];
        var gapLengths = new int[Math.Max(0, clip.BeepCount - 1)];
        for (var i = 0; i < beepLengths.Length; i++)
        {
            beepLengths[i] = (int)(length * 0.16 * (0.9 + 0.2 * random.NextDouble()));
        }
        for (var i = 0; i < gapLengths.Length; i++)
        {
            gapLengths[i] = (int)(length * 0.12 * (0.85 + 0.3 * random.NextDouble()));
        }
        var margin = (int)(length * 0.02);
        var free = length - beepLengths.Sum() - gapLengths.Sum() - 2 * margin;
        var start = margin + random.Next(Math.Max(1, free));

        for (var beep = 0; beep < clip.BeepCount; beep++)
        {
            var amplitude = 0.45 + 0.15 * random.NextDouble();
            AddBurst(samples, start, beepLengths[beep], root, ratios, amplitude, sampleRate);
            start += beepLengths[beep] + (beep < gapLengths.Length ? gapLengths[beep] : 0);
        }
        for (var i = 0; i < length; i++)
        {
            samples[i] += (float)((random.NextDouble() * 2 - 1) * NoiseLevel);
        }
        return new AudioItem(sourceId, samples, sampleRate);
    }

    private static void AddBurst(float[] samples, int start, int length, double root, IReadOnlyList<double> ratios,
        double amplitude, int sampleRate)
    {
        // A chord's sines add up, so each gets half the amplitude to keep the peak below 1.
        var perTone = ratios.Count == 1 ? amplitude : amplitude / 2;
        var fade = Math.Max(1, Math.Min(length / 10, sampleRate / 200));
        for (var i = 0; i < length && start + i < samples.Length; i++)
        {
            var envelope = Math.Min(1.0, Math.Min(i + 1, length - i) / (double)fade);
            var time = i / (double)sampleRate;
            var value = 0.0;
            foreach (var ratio in ratios)
            {
                value += Math.Sin(2 * Math.PI * root * ratio * time);
            }
            samples[start + i] += (float)(perTone * envelope * value);
        }
    }
}
