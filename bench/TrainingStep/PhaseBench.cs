using System.Globalization;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Where a step's time goes: the hand-written step (<see cref="HandWrittenLoop"/>, which costs what the pipeline's does,
/// see <c>overhead</c>) timed per phase, forward with the loss, backward, clipping with AdamW, each against the time its
/// counted matrix products (<see cref="StepFlops"/>) would take at libtorch's matmul rate measured in the same run.
/// </summary>
internal static class PhaseBench
{
    public static int Run(BenchOptions options)
    {
        var size = options.Size;
        var start = LoadCheck.Take("start");
        Console.WriteLine(size.Describe());
        using var folder = new TemporaryFolder("pipeline-bench-phases");
        using var hand = new HandWrittenLoop(SyntheticTextRun.Load(folder.Path, options, SyntheticTextRun.Adapter.Lora));
        if (options.Threads > 0) set_num_threads(options.Threads);
        for (int i = 0; i < options.Warmup; i++) hand.TimedPhases();
        var rounds = Enumerable.Range(0, options.Rounds).Select(_ =>
        {
            var steps = Enumerable.Range(0, options.StepsPerRound).Select(_ => hand.TimedPhases()).ToList();
            return (Forward: steps.Average(s => s.Forward), Backward: steps.Average(s => s.Backward), Update: steps.Average(s => s.Update));
        }).ToList();
        long tokens = size.Tokens;
        var rates = MatmulRate.Measure(new (long, long, long)[] { (tokens, size.Hidden, size.Hidden), (tokens, size.Hidden, size.Intermediate), (tokens, size.Intermediate, size.Hidden) }, options.Rounds);
        var end = LoadCheck.Take("end");

        double rate = rates.Max(r => r.GflopsPerSecond) * 1e9;
        var terms = StepFlops.Count(size);
        double forwardFlops = terms.Where(t => t.Name.Contains("forward", StringComparison.Ordinal)).Sum(t => t.Flops);
        double backwardFlops = terms.Sum(t => t.Flops) - forwardFlops;
        var phases = new (string Name, double Ms, double Flops)[]
        {
            ("forward and loss", Statistics.Median(rounds.Select(r => r.Forward).ToList()), forwardFlops),
            ("backward", Statistics.Median(rounds.Select(r => r.Backward).ToList()), backwardFlops),
            ("clipping and AdamW", Statistics.Median(rounds.Select(r => r.Update).ToList()), 0),
        };
        Console.WriteLine();
        Console.WriteLine($"{options.Warmup} warm-up steps, then {options.Rounds} rounds of {options.StepsPerRound} steps; medians over rounds; matmul reference {rate / 1e9:F1} GFLOP/s");
        Console.WriteLine("| phase | ms/step | counted GFLOP | ms at the matmul rate | other ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, ms, flops) in phases)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {ms:F1} | {flops / 1e9:F2} | {flops / rate * 1000:F1} | {ms - flops / rate * 1000:F1} |"));
        ResultFile.Write(options, $"phases-{size.Name}-t{options.Threads}", start, end,
            phases.Select(p => new { phase = p.Name, ms_per_step = p.Ms, gflop = p.Flops / 1e9, ms_at_matmul_rate = p.Flops / rate * 1000 }).ToList());
        return 0;
    }
}
