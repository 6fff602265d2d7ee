namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// Slaney-style mel filters, as librosa's default (<c>htk=False, norm="slaney"</c>) and Whisper's bundled filters:
/// the mel scale is linear below 1 kHz (200/3 Hz per mel) and logarithmic above (27 mels per factor 6.4); filter
/// <c>i</c> is a triangle over FFT-bin frequencies from mel point <c>i</c> to <c>i + 2</c>, peaking at <c>i + 1</c>,
/// with the <c>melBins + 2</c> points spaced evenly in mel between 0 Hz and the Nyquist frequency; each triangle is
/// scaled by <c>2 / (its width in Hz)</c>, so its area over frequency is 1.
/// </summary>
public static class MelFilterbank
{
    private const double HzPerMelBelowBreak = 200.0 / 3.0;
    private const double BreakHz = 1000.0;
    private const double BreakMel = BreakHz / HzPerMelBelowBreak; // 15
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    /// <summary>Converts a frequency in Hz to Slaney mels (1000 Hz is 15 mels; 6400 Hz is 42).</summary>
    public static double HzToMel(double hz) =>
        hz < BreakHz ? hz / HzPerMelBelowBreak : BreakMel + Math.Log(hz / BreakHz) / LogStep;

    /// <summary>Converts Slaney mels back to Hz.</summary>
    public static double MelToHz(double mel) =>
        mel < BreakMel ? mel * HzPerMelBelowBreak : BreakHz * Math.Exp(LogStep * (mel - BreakMel));

    /// <summary>The frequencies in Hz of the <c>melBins + 2</c> mel points; filter <c>i</c> peaks at point <c>i + 1</c>.</summary>
    public static double[] MelPointsHz(int sampleRate, int melBins)
    {
        double top = HzToMel(sampleRate / 2.0);
        return Enumerable.Range(0, melBins + 2).Select(i => MelToHz(top * i / (melBins + 1))).ToArray();
    }

    /// <summary>
    /// The filter matrix, <c>melBins x (nFft / 2 + 1)</c>, row-major: multiply a power spectrum (one column per
    /// frame) by it to get mel energies.
    /// </summary>
    public static float[] Create(int sampleRate, int nFft, int melBins)
    {
        int frequencyBins = nFft / 2 + 1;
        double[] points = MelPointsHz(sampleRate, melBins);
        var weights = new float[melBins * frequencyBins];
        for (int mel = 0; mel < melBins; mel++)
        {
            double lower = points[mel], centre = points[mel + 1], upper = points[mel + 2];
            double area = 2.0 / (upper - lower);
            for (int bin = 0; bin < frequencyBins; bin++)
            {
                double hz = (double)bin * sampleRate / nFft;
                double rising = (hz - lower) / (centre - lower);
                double falling = (upper - hz) / (upper - centre);
                weights[mel * frequencyBins + bin] = (float)(Math.Max(0, Math.Min(rising, falling)) * area);
            }
        }
        return weights;
    }
}
