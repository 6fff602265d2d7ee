using System.Globalization;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Question 2, hardware efficiency: the FLOPs of a training step (<see cref="StepFlops"/>) divided by the pipeline's
/// median step time, against libtorch's matrix-product rate measured in the same process, right after the steps: square
/// products at the model width, the feed-forward width and the token count, and the step's own projection shapes.
/// The reference is the fastest of them, so the efficiency is not flattered by a slow reference.
/// </summary>
internal static class EfficiencyBench
{
    public static int Run(BenchOptions options)
    {
        var size = options.Size;
        var start = LoadCheck.Take("start");
        Console.WriteLine(size.Describe());
        using var folder = new TemporaryFolder("pipeline-bench-efficiency");
        var reporter = new StepClockReporter(options.Warmup, options.StepsPerRound);
        PipelineRunner.Train(SyntheticTextRun.Load(folder.Path, options, SyntheticTextRun.Adapter.Lora), reporter);
        double stepMs = Statistics.Median(reporter.RoundMs);

        if (options.Threads > 0) set_num_threads(options.Threads);
        long tokens = size.Tokens;
        var shapes = new List<(long, long, long)> { (size.Hidden, size.Hidden, size.Hidden), (size.Intermediate, size.Intermediate, size.Intermediate), (tokens, tokens, tokens),
            (tokens, size.Hidden, size.Hidden), (tokens, size.Hidden, size.Intermediate), (tokens, size.Intermediate, size.Hidden) };
        var rates = MatmulRate.Measure(shapes.Distinct(), options.Rounds);
        var end = LoadCheck.Take("end");

        var terms = StepFlops.Count(size);
        double flops = terms.Sum(t => t.Flops);
        double achieved = flops / (stepMs / 1000) / 1e9;
        var reference = rates.MaxBy(r => r.GflopsPerSecond)!;
        Console.WriteLine();
        Console.WriteLine("FLOPs of one step (one multiply-add = 2 FLOPs):");
        Console.WriteLine("| term | GFLOP | share |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var term in terms)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {term.Name} | {term.Flops / 1e9:F3} | {term.Flops / flops:P1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| total | {flops / 1e9:F3} | |"));
        Console.WriteLine();
        Console.WriteLine("libtorch float32 matmul, measured after the steps (median of rounds):");
        Console.WriteLine("| m x k x n | GFLOP/s |");
        Console.WriteLine("| --- | ---: |");
        foreach (var rate in rates) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {rate.Shape} | {rate.GflopsPerSecond:F1} |"));
        Console.WriteLine();
        Console.WriteLine("| size | threads | pipeline ms/step | step GFLOP | achieved GFLOP/s | matmul GFLOP/s (fastest shape) | efficiency |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size.Name} | {options.Threads} | {stepMs:F1} | {flops / 1e9:F3} | {achieved:F1} | {reference.GflopsPerSecond:F1} ({reference.Shape}) | {achieved / reference.GflopsPerSecond:P1} |"));
        var row = new
        {
            Size = size.Name, options.Threads, PipelineMsPerStep = stepMs, StepGflop = flops / 1e9, AchievedGflopsPerSecond = achieved,
            ReferenceShape = reference.Shape, ReferenceGflopsPerSecond = reference.GflopsPerSecond, Efficiency = achieved / reference.GflopsPerSecond,
        };
        ResultFile.Write(options, $"efficiency-{size.Name}-t{options.Threads}", start, end, new[] { row },
            new { Terms = terms, Matmul = rates, PipelineRoundsMs = reporter.RoundMs });
        return 0;
    }
}
