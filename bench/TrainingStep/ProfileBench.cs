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
        var definition = SyntheticTextRun.Load(folder.Path, options, SyntheticTextRun.Adapter.Lora);
        using var hand = new HandWrittenLoop(definition);
        using var step = StepComponents.Build(definition, hand.VocabularySize, size);
        if (options.Threads > 0) set_num_threads(options.Threads);
        var components = step.Components;
        var parts = step.ProjectionParts;
        var timed = components.Concat(parts).ToList();
        Console.WriteLine($"{components.Count} components and {parts.Count} projection parts; trainable parameters: {step.TrainableParameters:N0} profiled, {hand.TrainableParameters:N0} in the step");

        hand.TimeSteps(options.Warmup);
        foreach (var component in timed)
            for (int i = 0; i < options.Warmup; i++) component.TimeOneCall();
        var forward = timed.Select(_ => new List<double>()).ToList();
        var backward = timed.Select(_ => new List<double>()).ToList();
        var stepMs = new List<double>();
        for (int round = 0; round < options.Rounds; round++)
        {
            for (int c = 0; c < timed.Count; c++)
            {
                var calls = Enumerable.Range(0, options.StepsPerRound).Select(_ => timed[c].TimeOneCall()).ToList();
                forward[c].Add(calls.Average(t => t.Forward));
                backward[c].Add(calls.Average(t => t.Backward));
            }
            stepMs.Add(hand.TimeSteps(options.StepsPerRound));
        }
        long tokens = size.Tokens;
        var rates = MatmulRate.Measure(new (long, long, long)[] { (tokens, size.Hidden, size.Hidden), (tokens, size.Hidden, size.Intermediate), (tokens, size.Intermediate, size.Hidden) }, options.Rounds);
        var end = LoadCheck.Take("end");

        double rate = rates.Max(r => r.GflopsPerSecond) * 1e9;
        var allRows = timed.Select((c, i) => new Row(c, Statistics.Median(forward[i]), Statistics.Median(backward[i]))).ToList();
        var rows = allRows.Take(components.Count).ToList();
        var partRows = allRows.Skip(components.Count).ToList();
        double sum = rows.Sum(r => r.MsPerStep);
        double stepMedian = Statistics.Median(stepMs);
        double countedFlops = StepFlops.Count(size).Sum(t => t.Flops);
        double componentFlops = rows.Sum(r => r.Component.FlopsPerStep);

        Console.WriteLine();
        Console.WriteLine($"{options.Warmup} warm-up calls, then {options.Rounds} rounds of {options.StepsPerRound} calls per component and {options.StepsPerRound} steps; " +
                          $"medians over rounds; {options.Threads} threads; matmul reference {rate / 1e9:F1} GFLOP/s");
        PrintTable(rows, rate, sum);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| **sum of components** | | | | **{sum:F1}** | {componentFlops / 1e9:F2} | {componentFlops / (sum / 1000) / 1e9:F1} | {componentFlops / rate * 1000:F1} | {sum - componentFlops / rate * 1000:F1} | 100 % |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hand-written step, same process and rounds: {stepMedian:F1} ms; sum of components / step = {sum / stepMedian:F3} ({sum - stepMedian:+0.0;-0.0} ms); " +
            $"counted GFLOP of the step (StepFlops) {countedFlops / 1e9:F2}, of the components {componentFlops / 1e9:F2}"));
        foreach (var r in rates) Console.WriteLine($"matmul {r.Shape}: {r.GflopsPerSecond:F1} GFLOP/s");
        Console.WriteLine();
        Console.WriteLine("Projections split into their frozen product and LoRA delta, timed apart (not in the sum; calls of the rows whose input needs its gradient):");
        PrintTable(partRows, rate, share: null);

        ResultFile.Write(options, $"profile-{size.Name}-t{options.Threads}", start, end,
            rows.Select(r => Json(r) with { Share = r.MsPerStep / sum }).ToList(),
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
                projection_parts = partRows.Select(Json).ToList(),
            });
        return 0;

        JsonRow Json(Row r) => new(r.Component.Name, r.Component.ForwardCount, r.Component.BackwardCount, r.ForwardMs, r.BackwardMs, r.MsPerStep,
            r.Component.FlopsPerStep / 1e9, r.Component.FlopsPerStep / rate * 1000, null);
    }

    /// <summary>Prints the markdown table of <paramref name="rows"/>; the share column when <paramref name="share"/> (the sum) is given.</summary>
    private static void PrintTable(IReadOnlyList<Row> rows, double rate, double? share)
    {
        static string Ms(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine("| component | per step (forward / backward calls) | forward ms (one call) | backward ms (one call) | ms per step | counted GFLOP per step | GFLOP/s | ms at the matmul rate | other ms |" +
                          (share is null ? "" : " share of the sum |"));
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (share is null ? "" : " ---: |"));
        foreach (var row in rows)
        {
            var c = row.Component;
            double flops = c.FlopsPerStep, atRate = flops / rate * 1000;
            string gflops = flops > 0 ? (flops / (row.MsPerStep / 1000) / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "-";
            string backwardMs = c.BackwardCount > 0 ? Ms(row.BackwardMs) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {c.ForwardCount} / {c.BackwardCount} | {Ms(row.ForwardMs)} | {backwardMs} | {row.MsPerStep:F1} | {flops / 1e9:F2} | {gflops} | {atRate:F1} | {row.MsPerStep - atRate:F1} |") +
                (share is { } total ? string.Create(CultureInfo.InvariantCulture, $" {100 * row.MsPerStep / total:F1} % |") : ""));
        }
    }

    /// <summary>One row of the JSON result (snake_case names).</summary>
    private sealed record JsonRow(string Component, int ForwardCalls, int BackwardCalls, double ForwardMs, double BackwardMs, double MsPerStep,
        double GflopPerStep, double MsAtMatmulRate, double? Share);
}
