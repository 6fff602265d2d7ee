using Pipeline.Host.Checkpoints;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>A copy of a trained run's folder (<c>pipeline.yaml</c>, <c>data/</c>, <c>out/</c>) in a fresh temporary folder, deleted on dispose.</summary>
public sealed class RunCopy : IDisposable
{
    public RunCopy(string source)
    {
        Directory = Path.Combine(Path.GetTempPath(), "pipeline-copy-" + Guid.NewGuid().ToString("N"));
        RunFiles.Copy(source, Directory);
    }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "pipeline.yaml");

    public string DataDirectory => Path.Combine(Directory, "data");

    public string OutputDirectory => Path.Combine(Directory, "out");

    public string CheckpointsFolder => CheckpointLocation.Folder(OutputDirectory);

    public string LatestFile => Path.Combine(CheckpointsFolder, CheckpointLocation.LatestFileName);

    public string MetricsFile => Path.Combine(OutputDirectory, "metrics.jsonl");

    /// <summary>The directory of checkpoint <paramref name="name"/>.</summary>
    public string Checkpoint(string name) => Path.Combine(CheckpointsFolder, name);

    /// <summary>Points <c>latest</c> at <paramref name="name"/>, as an interrupted run would have left it.</summary>
    public void PointLatestAt(string name) => File.WriteAllText(LatestFile, name + "\n");

    /// <summary>A data file in <c>data/</c>.</summary>
    public string Data(string name) => Path.Combine(DataDirectory, name);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
