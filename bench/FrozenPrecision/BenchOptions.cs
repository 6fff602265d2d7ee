using System.Globalization;
using Pipeline.Host.Config;

namespace Pipeline.Bench.FrozenPrecision;

/// <summary>
/// The benchmark's sizes ("bench" size by default: hidden 512, intermediate 1376, 8 layers, 8 heads, 4 KV heads,
/// sequence 128, batch 8, vocabulary 1024), the frozen-weight type, and how long to measure.
/// </summary>
internal sealed record BenchOptions(WeightDtype Dtype, int Hidden, int Intermediate, int Layers, int Heads, int KvHeads,
    int Vocabulary, int Length, int Batch, int Rank, int Warmup, int Steps, int Threads)
{
    /// <summary>Reads <c>--dtype bfloat16 --steps 20 ...</c>, keeping the default of everything not given.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(WeightDtype.Float32, Hidden: 512, Intermediate: 1376, Layers: 8, Heads: 8, KvHeads: 4,
            Vocabulary: 1024, Length: 128, Batch: 8, Rank: 8, Warmup: 3, Steps: 20, Threads: 0);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string text = args[i + 1];
            int Number() => int.Parse(text, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--dtype" => options with { Dtype = Enum.Parse<WeightDtype>(text, ignoreCase: true) },
                "--hidden" => options with { Hidden = Number() },
                "--intermediate" => options with { Intermediate = Number() },
                "--layers" => options with { Layers = Number() },
                "--vocabulary" => options with { Vocabulary = Number() },
                "--length" => options with { Length = Number() },
                "--batch" => options with { Batch = Number() },
                "--warmup" => options with { Warmup = Number() },
                "--steps" => options with { Steps = Number() },
                "--threads" => options with { Threads = Number() },
                _ => throw new ArgumentException($"unknown option '{args[i]}'; use --dtype, --hidden, --intermediate, --layers, --vocabulary, --length, --batch, --warmup, --steps, --threads"),
            };
        }
        return options;
    }
}
