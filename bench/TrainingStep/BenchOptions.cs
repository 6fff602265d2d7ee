using System.Globalization;

namespace Pipeline.Bench.TrainingStep;

/// <summary>The options every subcommand reads (each uses the ones it needs).</summary>
/// <param name="Size">The model and batch (<c>--size quickstart|bench</c>).</param>
/// <param name="Threads">libtorch intra-op threads (<c>--threads</c>); 0 keeps libtorch's default (one per core).</param>
/// <param name="Warmup">Steps before any timing (<c>--warmup</c>).</param>
/// <param name="Rounds">Timed rounds (<c>--rounds</c>); results are medians over rounds.</param>
/// <param name="StepsPerRound">Steps per round (<c>--steps</c>); a round's time is the mean of its steps.</param>
/// <param name="Experts">Expert counts K for <c>mole</c> (<c>--experts 1,2,4,8</c>).</param>
/// <param name="MemorySteps">Instruction-stage steps for <c>memory</c> (<c>--memory-steps</c>).</param>
/// <param name="SampleEvery">Steps between two resident-size samples for <c>memory</c> (<c>--sample-every</c>).</param>
/// <param name="Output">Folder for the JSON result (and the CSV and PNG of <c>memory</c>) (<c>--out</c>).</param>
internal sealed record BenchOptions(ModelSize Size, int Threads, int Warmup, int Rounds, int StepsPerRound, IReadOnlyList<int> Experts,
    int MemorySteps, int SampleEvery, string Output)
{
    /// <summary>The defaults: bench size, 2 threads, 5 warm-up steps, 15 rounds of 4 steps, K = 1, 2, 4, 8, 2,000 memory steps sampled every 20.</summary>
    public static BenchOptions Default { get; } = new(ModelSize.Bench, Threads: 2, Warmup: 5, Rounds: 15, StepsPerRound: 4, Experts: [1, 2, 4, 8],
        MemorySteps: 2000, SampleEvery: 20, Output: "bench-results");

    /// <summary>Reads <c>--size bench --threads 2 ...</c> after the subcommand, keeping the default of every option not given.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        for (int i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count) throw new ArgumentException($"option '{args[i]}' has no value");
            string value = args[i + 1];
            options = args[i] switch
            {
                "--size" => options with { Size = ModelSize.Named(value) },
                "--threads" => options with { Threads = Int(value) },
                "--warmup" => options with { Warmup = Int(value) },
                "--rounds" => options with { Rounds = Int(value) },
                "--steps" => options with { StepsPerRound = Int(value) },
                "--experts" => options with { Experts = value.Split(',').Select(Int).ToList() },
                "--memory-steps" => options with { MemorySteps = Int(value) },
                "--sample-every" => options with { SampleEvery = Int(value) },
                "--out" => options with { Output = value },
                _ => throw new ArgumentException(
                    $"unknown option '{args[i]}'; use --size, --threads, --warmup, --rounds, --steps, --experts, --memory-steps, --sample-every, --out"),
            };
        }
        if (options.Rounds < 1 || options.StepsPerRound < 1 || options.Warmup < 1)
            throw new ArgumentException("--warmup, --rounds and --steps must be at least 1");
        return options;
    }

    /// <summary>Timed steps after the warm-up.</summary>
    public int TimedSteps => Rounds * StepsPerRound;

    /// <summary>The options as arguments, for a child process.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        "--size", Size.Name, "--threads", Str(Threads), "--warmup", Str(Warmup), "--rounds", Str(Rounds), "--steps", Str(StepsPerRound),
        "--experts", string.Join(',', Experts.Select(Str)), "--memory-steps", Str(MemorySteps), "--sample-every", Str(SampleEvery), "--out", Output,
    ];

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
