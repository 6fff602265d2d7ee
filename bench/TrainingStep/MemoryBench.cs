using System.Globalization;
using Pipeline.Host.Pipelines;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Question 5, memory over a long run: <c>examples/quickstart.yaml</c> as it is (model, data, evaluations every 25
/// steps, checkpoints), with the pretraining stage cut to 60 steps and the instruction stage run for
/// <c>--memory-steps</c> steps; the resident size is sampled every <c>--sample-every</c> steps of the instruction stage
/// into a CSV and drawn as a PNG. A leak shows as a resident size that keeps growing once the allocator has warmed up;
/// the growth over the second half of the stage is reported in MiB per 1,000 steps.
/// </summary>
internal static class MemoryBench
{
    private const int PretrainSteps = 60;

    public static int Run(BenchOptions options)
    {
        var start = LoadCheck.Take("start");
        string quickstart = QuickstartPath();
        using var folder = new TemporaryFolder("pipeline-bench-memory");
        string[] overrides =
        [
            $"run.output_dir={folder.Path}", $"run.threads={options.Threads}",
            $"stages.0.steps={PretrainSteps}", $"stages.1.steps={options.MemorySteps}",
        ];
        Console.WriteLine($"{quickstart} with --set {string.Join(" --set ", overrides)}");
        var sampler = new ResidentSizeSampler("instruct", options.SampleEvery);
        PipelineRunner.Train(PipelineLoader.Load(quickstart, overrides), sampler);
        var end = LoadCheck.Take("end");

        var samples = sampler.Samples;
        string name = $"memory-quickstart-t{options.Threads}";
        Directory.CreateDirectory(options.Output);
        string csv = Path.Combine(options.Output, name + ".csv");
        File.WriteAllLines(csv, samples.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Step},{s.ResidentMiB:F1},{s.PeakMiB:F1},{s.ManagedMiB:F1},{s.Tensors}")).Prepend("step,resident_mib,peak_resident_mib,managed_mib,live_tensors"));
        string png = Path.Combine(options.Output, name + ".png");
        ResidentSizeChart.Render(samples, $"Resident size over {options.MemorySteps} instruction steps of the quickstart ({options.Threads} threads)", png);

        var secondHalf = samples.Where(s => s.Step >= samples[^1].Step / 2).ToList();
        double growth = Slope(secondHalf) * 1000;
        Console.WriteLine();
        Console.WriteLine($"{samples.Count} samples, one every {options.SampleEvery} steps: {csv}, {png}");
        Console.WriteLine("| steps | threads | RSS at step 1, MiB | RSS at the end, MiB | peak RSS, MiB | growth over the second half, MiB per 1,000 steps | live tensors first -> last |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {options.MemorySteps} | {options.Threads} | {samples[0].ResidentMiB:F0} | {samples[^1].ResidentMiB:F0} | {samples[^1].PeakMiB:F0} | {growth:F1} | {samples[0].Tensors} -> {samples[^1].Tensors} |"));
        var row = new
        {
            options.MemorySteps, options.Threads, FirstResidentMiB = samples[0].ResidentMiB, LastResidentMiB = samples[^1].ResidentMiB,
            PeakMiB = samples[^1].PeakMiB, GrowthMiBPer1000Steps = growth, Csv = csv, Png = png,
        };
        ResultFile.Write(options with { Size = ModelSize.Quickstart }, name, start, end, new[] { row });
        return 0;
    }

    /// <summary>The least-squares slope of resident MiB over steps.</summary>
    private static double Slope(IReadOnlyList<ResidentSizeSampler.Sample> samples)
    {
        if (samples.Count < 2) return 0;
        double meanX = samples.Average(s => (double)s.Step), meanY = samples.Average(s => s.ResidentMiB);
        double covariance = samples.Sum(s => (s.Step - meanX) * (s.ResidentMiB - meanY));
        double variance = samples.Sum(s => (s.Step - meanX) * (s.Step - meanX));
        return variance == 0 ? 0 : covariance / variance;
    }

    /// <summary><c>examples/quickstart.yaml</c> of the repository this benchmark was built from.</summary>
    private static string QuickstartPath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "examples", "quickstart.yaml");
            if (File.Exists(candidate) && File.Exists(Path.Combine(folder.FullName, "Pipeline.sln"))) return candidate;
        }
        throw new FileNotFoundException("examples/quickstart.yaml not found above " + AppContext.BaseDirectory);
    }
}
