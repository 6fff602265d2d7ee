using System.Globalization;
using Pipeline.Bench.MoleDispatch;
using Pipeline.Plugins.Adapters.Mole;
using static TorchSharp.torch;

// Forward + backward step time of plain LoRA vs MoLE (sparse and dense dispatch) at K = 1, 2, 4, 8 on one gated
// feed-forward block, as ratios to plain LoRA measured in the same run. Cases are timed in turn, round after round,
// so that load changes on a shared machine affect them alike. Each case reports its fastest round (the least disturbed
// by other processes), its median round, and the median over rounds of its time divided by LoRA's in the same round.
var sizes = BenchSizes.Parse(args);
if (sizes.Threads > 0) set_num_threads(sizes.Threads);
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

double lora = rounds["LoRA"].Min();
Console.WriteLine();
Console.WriteLine("| case | ms per step, fastest round | ratio of fastest rounds | ms per step, median round | median of per-round ratios |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
foreach (var benchCase in cases)
{
    var times = rounds[benchCase.Label];
    double fastest = times.Min(), median = Median(times);
    // Each round times LoRA and this case a few seconds apart, so their ratio is less exposed to load drift than either time.
    double pairedRatio = Median(times.Select((t, round) => t / rounds["LoRA"][round]).ToList());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {benchCase.Label} | {fastest:F1} | {fastest / lora:F2} | {median:F1} | {pairedRatio:F2} |"));
}
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
foreach (var benchCase in cases) benchCase.Dispose();
