using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Pipeline.Host.Pipelines;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Question 4, MoLE: the pipeline's step time and the process's peak resident memory with plain LoRA (rank r on all
/// seven projections) and with MoLE at each K (K experts of rank r on gate, up and down of every layer, plain LoRA of
/// rank r on q, k, v and o: the mole plugin's defaults). Each case trains in its own process, so its peak resident
/// memory (<c>VmHWM</c>) is its own; the cases run one after the other.
/// </summary>
internal static class MoleBench
{
    private const string ResultMarker = "RESULT ";

    /// <summary>What one case measured in its own process.</summary>
    public sealed record CaseResult(string Label, int Experts, double MedianMsPerStep, double TokensPerSecond, double PeakMiB, List<double> RoundsMs);

    public static int Run(BenchOptions options)
    {
        var start = LoadCheck.Take("start");
        Console.WriteLine(options.Size.Describe());
        var results = new List<CaseResult>();
        foreach (int experts in options.Experts.Prepend(0))
        {
            var result = RunChild(experts, options);
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {result.Label}: {result.MedianMsPerStep:F1} ms/step, peak {result.PeakMiB:F0} MiB"));
        }
        var end = LoadCheck.Take("end");
        var lora = results[0];
        Console.WriteLine();
        Console.WriteLine($"each case in its own process: {options.Warmup} warm-up steps, then {options.Rounds} rounds of {options.StepsPerRound} steps; medians over rounds");
        Console.WriteLine("| adapter | threads | ms/step | vs LoRA | tokens/s | peak RSS, MiB | vs LoRA, MiB |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Label} | {options.Threads} | {r.MedianMsPerStep:F1} | {r.MedianMsPerStep / lora.MedianMsPerStep:F2}x | {r.TokensPerSecond:F0} | {r.PeakMiB:F0} | {r.PeakMiB - lora.PeakMiB:+0;-0;0} |"));
        ResultFile.Write(options, $"mole-{options.Size.Name}-t{options.Threads}", start, end, results);
        return 0;
    }

    /// <summary>The child's side: trains one case and prints its result as one JSON line.</summary>
    public static int RunCase(int experts, BenchOptions options)
    {
        var size = options.Size;
        var adapter = new SyntheticTextRun.Adapter(experts);
        using var folder = new TemporaryFolder("pipeline-bench-mole");
        var reporter = new StepClockReporter(options.Warmup, options.StepsPerRound);
        PipelineRunner.Train(SyntheticTextRun.Load(folder.Path, options, adapter), reporter);
        double median = Statistics.Median(reporter.RoundMs);
        var result = new CaseResult(adapter.Label, experts, median, size.Tokens / (median / 1000), ProcessMemory.PeakMiB(), reporter.RoundMs);
        Console.WriteLine(ResultMarker + JsonSerializer.Serialize(result));
        return 0;
    }

    private static CaseResult RunChild(int experts, BenchOptions options)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        // Started as "dotnet TrainingStep.dll": the child needs the assembly too.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (string argument in new[] { "mole-case", experts.ToString(CultureInfo.InvariantCulture) }.Concat(options.ToArguments()))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string? line = output.Split('\n').LastOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"case experts={experts} failed (exit code {process.ExitCode}):\n{output}");
        return JsonSerializer.Deserialize<CaseResult>(line[ResultMarker.Length..])!;
    }
}
