namespace Pipeline.Host.Config;

/// <summary>Where the model runs (YAML <c>run.device</c>).</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when TorchSharp reports an available GPU, otherwise CPU.</summary>
    Auto,

    /// <summary>Always the CPU.</summary>
    Cpu,

    /// <summary>The first CUDA device; an error when none is available.</summary>
    Cuda,
}
