using System.Globalization;
using Pipeline.Bench.TrainingStep;

// The cost of a LoRA training step on a frozen decoder, one subcommand per question (README.md):
//   overhead     the pipeline's step against a hand-written TorchSharp loop over the same modules
//   efficiency   FLOP/s of the pipeline's step against libtorch's matmul FLOP/s
//   mole         MoLE at K = 1, 2, 4, 8 against plain LoRA: step time and peak memory, one process per case
//   memory       resident size over a long instruction stage of the quickstart
//   phases       the hand-written step's forward, backward and update timed apart, against their counted matrix products
//   profile      every kind of operation of the step timed alone at the step's shapes, forward and backward, against the step
// Each prints `uptime` at the start and the end, markdown rows, and writes a JSON result into --out.
const string Usage = "usage: TrainingStep overhead|efficiency|mole|memory|phases|profile [--size quickstart|bench] [--threads 2] [--warmup 5] [--rounds 15] [--steps 4] " +
                     "[--experts 1,2,4,8] [--memory-steps 2000] [--sample-every 20] [--out bench-results]";
if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
try
{
    if (args[0] == "mole-case") return MoleBench.RunCase(int.Parse(args[1], CultureInfo.InvariantCulture), BenchOptions.Parse(args[2..]));
    var options = BenchOptions.Parse(args[1..]);
    return args[0] switch
    {
        "overhead" => OverheadBench.Run(options),
        "efficiency" => EfficiencyBench.Run(options),
        "mole" => MoleBench.Run(options),
        "memory" => MemoryBench.Run(options),
        "phases" => PhaseBench.Run(options),
        "profile" => ProfileBench.Run(options),
        _ => throw new ArgumentException($"unknown subcommand '{args[0]}'"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
