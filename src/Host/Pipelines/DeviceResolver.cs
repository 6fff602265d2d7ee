using Pipeline.Host.Config;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>Turns <c>run.device</c> into a TorchSharp device.</summary>
public static class DeviceResolver
{
    public static Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => CPU,
        DeviceChoice.Cuda when cuda.is_available() => CUDA,
        DeviceChoice.Cuda => throw new InvalidOperationException("run.device is cuda, but TorchSharp reports no CUDA device (this build ships the CPU libtorch; use device: auto or cpu)"),
        _ => cuda.is_available() ? CUDA : CPU,
    };
}
