using System.Globalization;

namespace Pipeline.Bench.LargeVocabulary;

/// <summary>What to measure.</summary>
/// <param name="Vocabulary">Entries of the generated <c>tokenizer.json</c> (V).</param>
/// <param name="Lengths">Sequence lengths (T) to measure, each with full and supervised-only logits.</param>
/// <param name="Batch">Samples per step (B).</param>
/// <param name="Steps">Timed steps per case, after one warm-up step.</param>
/// <param name="Threads">libtorch intra-op threads; 0 keeps libtorch's default (one per core).</param>
internal sealed record BenchOptions(int Vocabulary, IReadOnlyList<int> Lengths, int Batch, int Steps, int Threads)
{
    /// <summary>Reads <c>--vocabulary 32000 --lengths 512,1024 --batch 8 --steps 3 --threads 2</c>, keeping the default of every option not given.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions(Vocabulary: 32_000, Lengths: [512, 1024], Batch: 8, Steps: 3, Threads: 2);
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            string value = args[i + 1];
            options = args[i] switch
            {
                "--vocabulary" => options with { Vocabulary = Int(value) },
                "--lengths" => options with { Lengths = value.Split(',').Select(Int).ToList() },
                "--batch" => options with { Batch = Int(value) },
                "--steps" => options with { Steps = Int(value) },
                "--threads" => options with { Threads = Int(value) },
                _ => throw new ArgumentException($"unknown option '{args[i]}'; use --vocabulary, --lengths, --batch, --steps, --threads"),
            };
        }
        return options;
    }

    /// <summary>The options as arguments, for a case's own process.</summary>
    public IEnumerable<string> ToArguments() =>
        ["--vocabulary", Str(Vocabulary), "--lengths", string.Join(',', Lengths.Select(Str)), "--batch", Str(Batch), "--steps", Str(Steps), "--threads", Str(Threads)];

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
