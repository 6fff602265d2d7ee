namespace Pipeline.Bench.MoleDispatch;

/// <summary>The layer and batch sizes every case shares, and how long to measure.</summary>
/// <param name="Batch">Samples per step (B).</param>
/// <param name="Length">Tokens per sample (N); B x N tokens are routed per step.</param>
/// <param name="Width">Model width C.</param>
/// <param name="Hidden">Feed-forward width.</param>
/// <param name="Rank">LoRA and expert rank r.</param>
/// <param name="Rounds">Measurement rounds; every case is timed once per round, in turn.</param>
/// <param name="Steps">Steps per case and round.</param>
/// <param name="Threads">libtorch intra-op threads; 0 keeps libtorch's default (one per core).</param>
internal sealed record BenchSizes(int Batch, int Length, int Width, int Hidden, int Rank, int Rounds, int Steps, int Threads)
{
    /// <summary>Reads <c>--batch 4 --length 256 ...</c>, keeping the default of every size not given.</summary>
    public static BenchSizes Parse(string[] args)
    {
        var sizes = new BenchSizes(Batch: 4, Length: 256, Width: 256, Hidden: 688, Rank: 16, Rounds: 15, Steps: 2, Threads: 0);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int value = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            sizes = args[i] switch
            {
                "--batch" => sizes with { Batch = value },
                "--length" => sizes with { Length = value },
                "--width" => sizes with { Width = value },
                "--hidden" => sizes with { Hidden = value },
                "--rank" => sizes with { Rank = value },
                "--rounds" => sizes with { Rounds = value },
                "--steps" => sizes with { Steps = value },
                "--threads" => sizes with { Threads = value },
                _ => throw new ArgumentException($"unknown option '{args[i]}'; use --batch, --length, --width, --hidden, --rank, --rounds, --steps, --threads"),
            };
        }
        return sizes;
    }
}
