using System.Reflection;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>What this build of the host can run on: the libtorch it ships and the CUDA devices TorchSharp sees.</summary>
/// <param name="Backend">
/// The build's <c>TorchBackend</c>: <c>cpu</c> (libtorch-cpu-linux-x64, the default) or <c>cuda</c>
/// (<c>dotnet build -p:TorchBackend=cuda</c>, see build/TorchBackend.props).
/// </param>
/// <param name="CudaDevices">How many CUDA devices TorchSharp reports as available; 0 without CUDA.</param>
public sealed record TorchBuild(string Backend, int CudaDevices)
{
    /// <summary>The backend recorded in the host assembly at build time, and the CUDA devices available now.</summary>
    public static TorchBuild Current() => new(BuiltBackend(), cuda.is_available() ? cuda.device_count() : 0);

    /// <summary>The libtorch the build ships, in words: <c>the CPU libtorch</c> or <c>the CUDA libtorch</c>.</summary>
    public string LibTorch => Backend switch
    {
        "cpu" => "the CPU libtorch",
        "cuda" => "the CUDA libtorch",
        _ => $"libtorch of backend '{Backend}'",
    };

    private static string BuiltBackend() =>
        typeof(TorchBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TorchBackend")?.Value ?? "unknown";
}
