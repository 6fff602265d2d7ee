using System.Globalization;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Where a step's time goes, per operation: every kind of operation of the LoRA step (<see cref="StepComponents"/>)
/// timed alone at the step's shapes, forward and backward apart, times how often a step runs it, against the
/// hand-written step (<see cref="HandWrittenLoop"/>) timed in the same rounds and libtorch's matmul rate measured after.
/// Components and the step are interleaved within each round, so load drift affects them alike; results are medians
/// over rounds of each round's mean.
/// </summary>
internal static class ProfileBench
{
    /// <summary>One component's medians.</summary>
    private sealed record Row(ProfiledComponent Component, double ForwardMs, double BackwardMs)
    {
        public double MsPerStep => Component.ForwardCount * ForwardMs + Component.BackwardCount * BackwardMs;
    }

    public static int Run(BenchOptions options)
    {
        var size = options.Size;
        var start = LoadCheck.Take("start");
        Console.WriteLine(size.Describe());
        using var folder = new TemporaryFolder("pipeline-bench-profile");
        string yaml = SyntheticTextRun.Write(folder.Path, size, SyntheticTextRun.Adapter.Lora, options.Warmup + options.TimedSteps, options.Threads);
        var definition = PipelineLoader.Load(yaml);
        using var hand = new HandWrittenLoop(definition);
        using var step = StepComponents.Build(definition, hand.VocabularySize, size);
        if (options.Threads > 0) set_num_threads(options.Threads);
        var components = step.Components;
        Console.WriteLine($"{components.Count} components; trainable parameters: {step.TrainableParameters:N0} profiled, {hand.TrainableParameters:N0} in the step");

        hand.TimeSteps(options.Warmup);
        foreach (var component in components)
            for (int i = 0; i < options.Warmup; i++) component.TimeOneCall();
        var forward = components.Select(_ => new List<double>()).ToList();
        var backward = components.Select(_ => new List<double>()).ToList();
        var stepMs = new List<double>();
        for (int round = 0; round < options.Rounds; round++)
        {
            for (int c = 0; c < components.Count; c++)
            {
                var calls = Enumerable.Range(0, options.StepsPerRound).Select(_ => components[c].TimeOneCall()).ToList();
                forward[c].Add(calls.Average(t => t.Forward));
                backward[c].Add(calls.Average(t => t.Backward));
            }
            stepMs.Add(hand.TimeSteps(options.StepsPerRound));
        }
        long tokens = size.Tokens;
        var rates = MatmulRate.Measure(new (long, long, long)[] { (tokens, size.Hidden, size.Hidden), (tokens, size.Hidden, size.Intermediate), (tokens, size.Intermediate, size.Hidden) }, options.Rounds);
        var end = LoadCheck.Take("end");

        double rate = rates.Max(r => r.GflopsPerSecond) * 1e9;
        var rows = components.Select((c, i) => new Row(c, Statistics.Median(forward[i]), Statistics.Median(backward[i]))).ToList();
        double sum = rows.Sum(r => r.MsPerStep);
        double stepMedian = Statistics.Median(stepMs);
        double countedFlops = StepFlops.Count(size).Sum(t => t.Flops);
        double componentFlops = rows.Sum(r => r.Component.FlopsPerStep);
        string Ms(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture);

        Console.WriteLine();
        Console.WriteLine($"{options.Warmup} warm-up calls, then {options.Rounds} rounds of {options.StepsPerRound} calls per component and {options.StepsPerRound} steps; " +
                          $"medians over rounds; {options.Threads} threads; matmul reference {rate / 1e9:F1} GFLOP/s");
        Console.WriteLine("| component | per step (forward / backward calls) | forward ms (one call) | backward ms (one call) | ms per step | counted GFLOP per step | GFLOP/s | ms at the matmul rate | other ms | share of the sum |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            var c = row.Component;
            double flops = c.FlopsPerStep, atRate = flops / rate * 1000;
            string gflops = flops > 0 ? (flops / (row.MsPerStep / 1000) / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "-";
            string backwardMs = c.BackwardCount > 0 ? Ms(row.BackwardMs) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {c.ForwardCount} / {c.BackwardCount} | {Ms(row.ForwardMs)} | {backwardMs} | {row.MsPerStep:F1} | {flops / 1e9:F2} | {gflops} | {atRate:F1} | {row.MsPerStep - atRate:F1} | {100 * row.MsPerStep / sum:F1} % |"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| **sum of components** | | | | **{sum:F1}** | {componentFlops / 1e9:F2} | {componentFlops / (sum / 1000) / 1e9:F1} | {componentFlops / rate * 1000:F1} | {sum - componentFlops / rate * 1000:F1} | 100 % |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hand-written step, same process and rounds: {stepMedian:F1} ms; sum of components / step = {sum / stepMedian:F3} ({sum - stepMedian:+0.0;-0.0} ms); " +
            $"counted GFLOP of the step (StepFlops) {countedFlops / 1e9:F2}, of the components {componentFlops / 1e9:F2}"));
        foreach (var r in rates) Console.WriteLine($"matmul {r.Shape}: {r.GflopsPerSecond:F1} GFLOP/s");

        ResultFile.Write(options, $"profile-{size.Name}-t{options.Threads}", start, end,
            rows.Select(r => new
            {
                component = r.Component.Name,
                forward_calls = r.Component.ForwardCount,
                backward_calls = r.Component.BackwardCount,
                forward_ms = r.ForwardMs,
                backward_ms = r.BackwardMs,
                ms_per_step = r.MsPerStep,
                gflop_per_step = r.Component.FlopsPerStep / 1e9,
                ms_at_matmul_rate = r.Component.FlopsPerStep / rate * 1000,
                share = r.MsPerStep / sum,
            }).ToList(),
            new
            {
                sum_ms_per_step = sum,
                hand_written_ms_per_step = stepMedian,
                hand_written_rounds_ms = stepMs,
                sum_over_step = sum / stepMedian,
                matmul_gflops_per_second = rate / 1e9,
                matmul_rates = rates,
                step_gflop = countedFlops / 1e9,
                trainable_parameters = step.TrainableParameters,
            });
        return 0;
    }
}
