using System.Globalization;
using Pipeline.Bench.MoleDispatch;
using Pipeline.Plugins.Adapters.Mole;
using static TorchSharp.torch;

// Forward + backward step time of plain LoRA vs MoLE (sparse and dense dispatch) at K = 1, 2, 4, 8 on one gated
// feed-forward block, as ratios to plain LoRA measured in the same run. Cases are timed in turn, round after round,
// so that load changes on a shared machine affect them alike; each case reports its median round.
var sizes = BenchSizes.Parse(args);
int[] expertCounts = [1, 2, 4, 8];
var cases = new List<BenchCase> { BenchCase.Lora(sizes) };
foreach (int k in expertCounts) cases.Add(BenchCase.Mole(sizes, k, ExpertDispatch.Sparse));
foreach (int k in expertCounts) cases.Add(BenchCase.Mole(sizes, k, ExpertDispatch.Dense));

Console.WriteLine($"tokens {sizes.Batch} x {sizes.Length}, width {sizes.Width}, hidden {sizes.Hidden}, rank {sizes.Rank}; " +
                  $"{sizes.Rounds} rounds of {sizes.Steps} steps per case; torch threads {get_num_threads()}, " +
                  $"{Environment.ProcessorCount} processors, load average {File.ReadAllText("/proc/loadavg").Trim()}");
foreach (var benchCase in cases) benchCase.TimeSteps(2);

var rounds = cases.ToDictionary(c => c.Label, _ => new List<double>());
for (int round = 0; round < sizes.Rounds; round++)
    foreach (var benchCase in cases) rounds[benchCase.Label].Add(benchCase.TimeSteps(sizes.Steps));

double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

double lora = Median(rounds["LoRA"]);
Console.WriteLine();
Console.WriteLine("| case | ms per step (median) | ratio to LoRA |");
Console.WriteLine("| --- | ---: | ---: |");
foreach (var benchCase in cases)
{
    double ms = Median(rounds[benchCase.Label]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {benchCase.Label} | {ms:F1} | {ms / lora:F2} |"));
}
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
foreach (var benchCase in cases) benchCase.Dispose();
