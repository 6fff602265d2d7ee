using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>The device a run uses and the run-log line that says why.</summary>
/// <param name="Type"><see cref="DeviceType.CPU"/> or <see cref="DeviceType.CUDA"/> (device 0).</param>
/// <param name="Description">
/// For the run log, for example <c>device: auto picked cpu (this build uses the CPU libtorch)</c> or
/// <c>device: auto picked cuda (CUDA device 0 of 2)</c>.
/// </param>
public sealed record ResolvedDevice(DeviceType Type, string Description)
{
    /// <summary>The TorchSharp device; CUDA initialises on first use.</summary>
    public Device Device => Type == DeviceType.CUDA ? CUDA : CPU;
}
