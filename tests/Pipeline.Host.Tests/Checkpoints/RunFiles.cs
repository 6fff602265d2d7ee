using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Reporting;
using Pipeline.Host.Safetensors;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>Reads what a run leaves in its output directory, for comparing two runs without any tensor math.</summary>
public static class RunFiles
{
    /// <summary>Every line of <c>metrics.jsonl</c> without <c>tokens_per_second</c>, the one value that depends on the clock.</summary>
    public static List<string> Metrics(string outputDirectory) =>
        File.ReadAllLines(Path.Combine(outputDirectory, "metrics.jsonl"))
            .Select(line =>
            {
                var record = JsonNode.Parse(line)!.AsObject();
                record.Remove("tokens_per_second");
                return record.ToJsonString();
            })
            .ToList();

    /// <summary>
    /// Every scalar point of the run's TensorBoard event files (read in file-name order, which is the order they were
    /// started in) as <c>tag step value</c> lines, without <c>tokens_per_second</c>, which depends on the clock.
    /// </summary>
    public static List<string> TensorBoardScalars(string outputDirectory) =>
        Directory.GetFiles(Path.Combine(outputDirectory, TensorBoardWriter.FolderName))
            .Where(TensorBoardEventFile.IsEventFile)
            .Order(StringComparer.Ordinal)
            .SelectMany(file => TensorBoardEventFile.Read(file))
            .Where(e => e.Event.Summary is not null)
            .SelectMany(e => e.Event.Summary.Value.Select(v => $"{v.Tag} {e.Event.Step} {v.SimpleValue:R}"))
            .Where(line => !line.StartsWith("train/tokens_per_second ", StringComparison.Ordinal))
            .ToList();

    /// <summary>The stages of <c>summary.json</c> (elapsed time left out).</summary>
    public static string SummaryStages(string outputDirectory)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outputDirectory, "summary.json")));
        return summary.RootElement.GetProperty("stages").GetRawText();
    }

    /// <summary>The raw bytes of every tensor in the weights file of the checkpoint <c>latest</c> names, by name.</summary>
    public static SortedDictionary<string, byte[]> LatestWeights(string outputDirectory) =>
        Tensors(Path.Combine(CheckpointLocation.Resolve(outputDirectory), CheckpointLocation.WeightsFileName));

    /// <summary>The raw bytes of every tensor of a safetensors file, by name.</summary>
    public static SortedDictionary<string, byte[]> Tensors(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long dataStart = 8 + BitConverter.ToInt64(file, 0);
        using var header = SafetensorsFile.Open(path);
        return new SortedDictionary<string, byte[]>(
            header.Entries.ToDictionary(e => e.Key, e => file[(int)(dataStart + e.Value.Begin)..(int)(dataStart + e.Value.End)]),
            StringComparer.Ordinal);
    }

    /// <summary>Asserts two runs wrote the same metrics (in <c>metrics.jsonl</c> and for TensorBoard), summary and final weights, bit for bit.</summary>
    public static void ShouldMatch(string resumed, string uninterrupted)
    {
        Metrics(resumed).Should().Equal(Metrics(uninterrupted), "a resumed run must write the uninterrupted run's metrics");
        TensorBoardScalars(resumed).Should().Equal(TensorBoardScalars(uninterrupted),
            "the event files, cut back to the checkpoint and continued in a new file, must hold the uninterrupted run's points");
        SummaryStages(resumed).Should().Be(SummaryStages(uninterrupted));
        File.ReadAllText(Path.Combine(resumed, "checkpoints", "latest")).Should().Be(File.ReadAllText(Path.Combine(uninterrupted, "checkpoints", "latest")));
        var expected = LatestWeights(uninterrupted);
        var actual = LatestWeights(resumed);
        actual.Keys.Should().Equal(expected.Keys);
        foreach (var (name, bytes) in expected)
            actual[name].Should().Equal(bytes, $"tensor '{name}' must be bit-identical after resuming");
    }

    /// <summary>Copies a directory tree.</summary>
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string directory in Directory.GetDirectories(from)) Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
    }
}
