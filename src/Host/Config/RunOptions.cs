namespace Pipeline.Host.Config;

/// <summary>Run-wide settings (YAML <c>run</c>).</summary>
public sealed record RunOptions
{
    /// <summary>Directory for metrics and results, relative to the YAML file's folder unless absolute.</summary>
    public string OutputDir { get; init; } = "runs/default";

    /// <summary>Seed for initialisation, data order and dropout.</summary>
    public long Seed { get; init; } = 1;

    /// <summary><c>auto</c> (CUDA when TorchSharp reports it, else CPU), <c>cpu</c> or <c>cuda</c>.</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>Write a training metrics line every this many optimizer steps.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Intra-op threads for TorchSharp; 0 keeps its default.</summary>
    public int Threads { get; init; }
}
