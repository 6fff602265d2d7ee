using Pipeline.Contracts.Media;

namespace Pipeline.Host.Tests.Data;

/// <summary>Reads the attributes of synthetic media back from pixels and samples, independently of the generators.</summary>
internal static class MediaAnalysis
{
    public sealed record ImageFacts(string Shape, string Colour, int Count, string Side);

    public sealed record AudioFacts(int Beeps, string Pitch, string Kind);

    public static ImageFacts Analyse(ImageItem image)
    {
        var (height, width, plane) = (image.Height, image.Width, image.Height * image.Width);
        bool Lit(int at) => Math.Max(image.Pixels[at], Math.Max(image.Pixels[plane + at], image.Pixels[2 * plane + at])) > 0.5f;
        var labels = new int[plane];
        var components = new List<List<int>>();
        for (var start = 0; start < plane; start++)
        {
            if (!Lit(start) || labels[start] != 0)
            {
                continue;
            }
            var component = new List<int>();
            var stack = new Stack<int>([start]);
            labels[start] = components.Count + 1;
            while (stack.Count > 0)
            {
                var at = stack.Pop();
                component.Add(at);
                var (y, x) = (at / width, at % width);
                foreach (var (ny, nx) in new[] { (y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1) })
                {
                    var next = ny * width + nx;
                    if (ny >= 0 && ny < height && nx >= 0 && nx < width && Lit(next) && labels[next] == 0)
                    {
                        labels[next] = components.Count + 1;
                        stack.Push(next);
                    }
                }
            }
            components.Add(component);
        }
        var first = components[0];
        var (r, g, b) = (image.Pixels[first[0]] > 0.5f, image.Pixels[plane + first[0]] > 0.5f, image.Pixels[2 * plane + first[0]] > 0.5f);
        var colour = (r, g, b) switch
        {
            (true, false, false) => "red",
            (false, true, false) => "green",
            (false, false, true) => "blue",
            (true, true, false) => "yellow",
            _ => "unknown",
        };
        var columns = first.Select(at => at % width).ToList();
        var rows = first.Select(at => at / width).ToList();
        var boxArea = (columns.Max() - columns.Min() + 1) * (rows.Max() - rows.Min() + 1);
        var fill = first.Count / (double)boxArea;
        var shape = fill > 0.95 ? "square" : fill > 0.68 ? "circle" : "triangle";
        var meanX = components.SelectMany(c => c).Average(at => at % width);
        return new ImageFacts(shape, colour, components.Count, meanX < width / 2.0 ? "left" : "right");
    }

    public static AudioFacts Analyse(AudioItem audio)
    {
        const int frame = 80;
        var loud = new List<bool>();
        for (var start = 0; start + frame <= audio.Samples.Length; start += frame)
        {
            var rms = Math.Sqrt(audio.Samples.Skip(start).Take(frame).Average(s => (double)s * s));
            loud.Add(rms > 0.1);
        }
        var beeps = loud.Where((on, i) => on && (i == 0 || !loud[i - 1])).Count();
        var firstLoud = loud.IndexOf(true);
        var firstQuiet = loud.IndexOf(false, firstLoud);
        var burst = audio.Samples[(firstLoud * frame)..(firstQuiet * frame)];

        var (lowPower, lowHz) = Peak(burst, audio.SampleRate, 280, 320);
        var (highPower, highHz) = Peak(burst, audio.SampleRate, 1120, 1280);
        var root = lowPower > highPower ? lowHz : highHz;
        var rootPower = Math.Max(lowPower, highPower);
        var thirdPower = Peak(burst, audio.SampleRate, root * 1.25 - 6, root * 1.25 + 6).Power;
        return new AudioFacts(beeps, lowPower > highPower ? "low" : "high", thirdPower > rootPower / 10 ? "chord" : "note");
    }

    /// <summary>The strongest frequency of a band, by a direct DFT every 2 Hz.</summary>
    private static (double Power, double Hz) Peak(float[] samples, int sampleRate, double fromHz, double toHz)
    {
        var best = (Power: 0.0, Hz: fromHz);
        for (var hz = fromHz; hz <= toHz; hz += 2)
        {
            double re = 0, im = 0;
            for (var i = 0; i < samples.Length; i++)
            {
                var phase = 2 * Math.PI * hz * i / sampleRate;
                re += samples[i] * Math.Cos(phase);
                im += samples[i] * Math.Sin(phase);
            }
            var power = re * re + im * im;
            if (power > best.Power)
            {
                best = (power, hz);
            }
        }
        return best;
    }
}
