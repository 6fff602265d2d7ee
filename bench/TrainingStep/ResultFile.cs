using System.Text.Json;

namespace Pipeline.Bench.TrainingStep;

/// <summary>Writes a benchmark's result as JSON: what ran, on how many threads, the load before and after, and the rows.</summary>
internal static class ResultFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes <c>&lt;out&gt;/&lt;name&gt;.json</c> and prints its path; returns the path.</summary>
    public static string Write(BenchOptions options, string name, LoadCheck start, LoadCheck end, object rows, object? details = null)
    {
        Directory.CreateDirectory(options.Output);
        string path = Path.Combine(options.Output, name + ".json");
        var document = new
        {
            Benchmark = name,
            Size = options.Size,
            options.Threads,
            options.Warmup,
            options.Rounds,
            options.StepsPerRound,
            Processors = Environment.ProcessorCount,
            UptimeStart = start.Uptime,
            UptimeEnd = end.Uptime,
            Publishable = LoadCheck.Publishable(start, end),
            Rows = rows,
            Details = details,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Indented));
        Console.WriteLine($"result written to {path}");
        return path;
    }
}
