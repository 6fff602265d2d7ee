using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Bench.LargeVocabulary;
using Pipeline.Host.Tests.Support;
using static TorchSharp.torch;

// Peak resident memory and step time of the quickstart-sized model with a large vocabulary at long sequence lengths,
// with the language-model head over every position (B x T x V logits) or over the supervised positions only (M x V).
// Each case runs in its own process, so its peak resident memory (VmHWM) is its own.
const string ResultMarker = "RESULT ";

if (args.Length > 0 && args[0] == "--case")
{
    // --case <pipeline.yaml> <length> <full|supervised> <steps> <threads>
    int threads = int.Parse(args[5], CultureInfo.InvariantCulture);
    if (threads > 0) set_num_threads(threads);
    var result = TrainingCase.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3] == "full",
        int.Parse(args[4], CultureInfo.InvariantCulture));
    Console.WriteLine(ResultMarker + JsonSerializer.Serialize(result));
    return 0;
}

var options = BenchOptions.Parse(args);
string folder = Path.Combine(Path.GetTempPath(), "pipeline-bench-vocabulary-" + Guid.NewGuid().ToString("N"));
Console.WriteLine($"vocabulary {options.Vocabulary}, batch {options.Batch}, lengths {string.Join(", ", options.Lengths)}; " +
                  $"1 warm-up and {options.Steps} timed steps per case; threads {options.Threads}, {Environment.ProcessorCount} processors; " +
                  $"load average {LoadAverage()}");
Console.WriteLine();
Console.WriteLine("| T | logits | materialised logits | M | RSS before training, MiB | peak RSS, MiB | step ms, median | step ms, fastest | loss first -> last |");
Console.WriteLine("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
try
{
    foreach (int length in options.Lengths)
    {
        string yaml = LongSequenceRun.Write(Path.Combine(folder, length.ToString(CultureInfo.InvariantCulture)),
            new LongSequenceRun.Sizes(options.Vocabulary, length, TrainSamples: options.Batch, EvalSamples: 1, BatchSize: options.Batch, Steps: options.Steps));
        foreach (string logits in new[] { "supervised", "full" })
        {
            var r = RunCase(yaml, length, logits, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Length} | {r.Logits} | {r.LogitsShape} | {r.SupervisedTokens} | {r.StartMiB:F0} | {r.PeakMiB:F0} | {r.MedianStepMs:F0} | {r.FastestStepMs:F0} | {r.FirstLoss:F2} -> {r.LastLoss:F2} |"));
        }
    }
}
finally
{
    try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
}
Console.WriteLine($"load average at the end: {LoadAverage()}");
return 0;

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static CaseResult RunCase(string yaml, int length, string logits, BenchOptions options)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (string argument in new[] { "--case", yaml, length.ToString(CultureInfo.InvariantCulture), logits,
                 options.Steps.ToString(CultureInfo.InvariantCulture), options.Threads.ToString(CultureInfo.InvariantCulture) })
        start.ArgumentList.Add(argument);
    using var process = Process.Start(start)!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    string? line = output.Split('\n').LastOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal));
    if (process.ExitCode != 0 || line is null)
        throw new InvalidOperationException($"case T={length} {logits} failed (exit code {process.ExitCode}):\n{output}");
    return JsonSerializer.Deserialize<CaseResult>(line[ResultMarker.Length..])!;
}
