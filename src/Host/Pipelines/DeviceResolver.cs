using Pipeline.Host.Config;
using TorchSharp;

namespace Pipeline.Host.Pipelines;

/// <summary>Turns <c>run.device</c> into a TorchSharp device, and says what it picked and why.</summary>
public static class DeviceResolver
{
    /// <summary>Resolves <paramref name="choice"/> against this build and the CUDA devices available now.</summary>
    /// <exception cref="InvalidOperationException"><c>cuda</c> was asked for and TorchSharp reports no CUDA device.</exception>
    public static ResolvedDevice Resolve(DeviceChoice choice) => Resolve(choice, TorchBuild.Current());

    /// <summary>
    /// Resolves <paramref name="choice"/> against <paramref name="build"/>: <c>cpu</c> is always the CPU; <c>cuda</c> is
    /// CUDA device 0 or an error naming the build switch; <c>auto</c> is CUDA device 0 when there is one, else the CPU.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>cuda</c> was asked for and <paramref name="build"/> has no CUDA device.</exception>
    public static ResolvedDevice Resolve(DeviceChoice choice, TorchBuild build)
    {
        string gpu = $"CUDA device 0 of {build.CudaDevices}";
        bool cudaBuild = build.Backend == "cuda";
        return choice switch
        {
            DeviceChoice.Cpu => new(DeviceType.CPU, "device: cpu"),
            DeviceChoice.Cuda when build.CudaDevices > 0 => new(DeviceType.CUDA, $"device: cuda ({gpu})"),
            DeviceChoice.Cuda when cudaBuild => throw new InvalidOperationException(
                "run.device is cuda, but TorchSharp reports no CUDA device (this build uses the CUDA libtorch: check the " +
                "NVIDIA driver and that a GPU is visible); use device: auto or cpu"),
            DeviceChoice.Cuda => throw new InvalidOperationException(
                $"run.device is cuda, but this build uses {build.LibTorch}: build with -p:TorchBackend=cuda (README, GPU), " +
                "or use device: auto or cpu"),
            _ when build.CudaDevices > 0 => new(DeviceType.CUDA, $"device: auto picked cuda ({gpu})"),
            _ when cudaBuild => new(DeviceType.CPU, "device: auto picked cpu (this build uses the CUDA libtorch, but TorchSharp reports no CUDA device)"),
            _ => new(DeviceType.CPU, $"device: auto picked cpu (this build uses {build.LibTorch})"),
        };
    }
}
