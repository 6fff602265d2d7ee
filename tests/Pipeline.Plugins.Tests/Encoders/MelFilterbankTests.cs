using Pipeline.Plugins.Encoders.Audio;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Encoders;

/// <summary>The Slaney mel scale and filters, and the log-mel front end on a pure tone.</summary>
public sealed class MelFilterbankTests
{
    private const int SampleRate = 16000, NFft = 400, MelBins = 40, FrequencyBins = NFft / 2 + 1;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(500, 7.5)]      // linear part: 200/3 Hz per mel
    [InlineData(1000, 15)]      // the break
    [InlineData(6400, 42)]      // 27 mels per factor 6.4 above the break
    public void Slaney_mel_scale_matches_hand_values(double hz, double mel)
    {
        MelFilterbank.HzToMel(hz).Should().BeApproximately(mel, 1e-9);
        MelFilterbank.MelToHz(mel).Should().BeApproximately(hz, 1e-9);
    }

    [Fact]
    public void Filters_are_non_negative_triangles_with_unit_area_over_frequency()
    {
        float[] filters = MelFilterbank.Create(SampleRate, NFft, MelBins);
        filters.Should().HaveCount(MelBins * FrequencyBins);
        filters.Should().OnlyContain(w => w >= 0);
        double binHz = (double)SampleRate / NFft;
        for (int mel = 0; mel < MelBins; mel++)
        {
            var row = filters.Skip(mel * FrequencyBins).Take(FrequencyBins).ToArray();
            // Area 1 in Hz, sampled every 40 Hz: the row sums to about 1 / 40.
            (row.Sum() * binHz).Should().BeApproximately(1.0, 0.15, $"filter {mel}");
            int peak = Array.IndexOf(row, row.Max());
            double centre = MelFilterbank.MelPointsHz(SampleRate, MelBins)[mel + 1];
            Math.Abs(peak * binHz - centre).Should().BeLessThanOrEqualTo(binHz, $"filter {mel} peaks at its centre");
        }
    }

    [Fact]
    public void The_weights_at_one_kilohertz_match_a_hand_computation()
    {
        // Mel points are 45.2456 / 41 = 1.10355 mels apart; points 12..15 are 882.84, 956.41, 1031.40, 1112.70 Hz.
        // 1 kHz is FFT bin 25. Filter 12 falls there: (1031.40 - 1000) / (1031.40 - 956.41) * 2 / (1031.40 - 882.84).
        // Filter 13 rises there: (1000 - 956.41) / (1031.40 - 956.41) * 2 / (1112.70 - 956.41).
        float[] filters = MelFilterbank.Create(SampleRate, NFft, MelBins);
        filters[12 * FrequencyBins + 25].Should().BeApproximately(0.0056375f, 1e-6f);
        filters[13 * FrequencyBins + 25].Should().BeApproximately(0.0074380f, 1e-6f);
    }

    [Fact]
    public void A_one_kilohertz_tone_puts_most_energy_in_the_mel_bin_around_one_kilohertz()
    {
        using var frontEnd = new LogMelSpectrogram(SampleRate, NFft, 160, MelBins, CPU);
        var tone = Enumerable.Range(0, 8000).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / SampleRate))).ToArray();
        using var waveform = tensor(tone, [1, tone.Length]);

        using var features = frontEnd.call(waveform);
        using var perBin = features[0].mean([1]);

        features.shape.Should().Equal(1, MelBins, 50);
        // Filter 13 (956-1113 Hz, see the hand computation above) collects more than filter 12 even with the
        // Hann window's leakage into bins 24 and 26.
        perBin.argmax().item<long>().Should().Be(13);
    }

    [Fact]
    public void Silence_is_floored_at_minus_ten_decades_and_rescaled()
    {
        using var frontEnd = new LogMelSpectrogram(SampleRate, NFft, 160, MelBins, CPU);
        using var silence = zeros(1, 8000);

        using var features = frontEnd.call(silence);

        // log10(1e-10) = -10, then (x + 4) / 4 = -1.5 everywhere.
        features.allclose(full_like(features, -1.5)).Should().BeTrue();
    }
}
