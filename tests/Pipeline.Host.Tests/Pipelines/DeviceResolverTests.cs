using Pipeline.Host.Config;
using Pipeline.Host.Pipelines;
using TorchSharp;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary><c>run.device</c> against CPU and CUDA builds with and without a GPU: the device, the log line, the errors.</summary>
public sealed class DeviceResolverTests
{
    private static readonly TorchBuild CpuBuild = new("cpu", 0);
    private static readonly TorchBuild CudaBuildWithoutGpu = new("cuda", 0);
    private static readonly TorchBuild CudaBuildWithTwoGpus = new("cuda", 2);

    [Fact]
    public void Auto_on_the_CPU_build_picks_the_CPU_and_says_why()
    {
        var resolved = DeviceResolver.Resolve(DeviceChoice.Auto, CpuBuild);

        resolved.Type.Should().Be(DeviceType.CPU);
        resolved.Description.Should().Be("device: auto picked cpu (this build uses the CPU libtorch)");
    }

    [Fact]
    public void Auto_on_a_CUDA_build_without_a_GPU_picks_the_CPU_and_says_why()
    {
        var resolved = DeviceResolver.Resolve(DeviceChoice.Auto, CudaBuildWithoutGpu);

        resolved.Type.Should().Be(DeviceType.CPU);
        resolved.Description.Should().Be("device: auto picked cpu (this build uses the CUDA libtorch, but TorchSharp reports no CUDA device)");
    }

    [Fact]
    public void Auto_with_CUDA_devices_picks_the_first_and_counts_them()
    {
        var resolved = DeviceResolver.Resolve(DeviceChoice.Auto, CudaBuildWithTwoGpus);

        resolved.Type.Should().Be(DeviceType.CUDA);
        resolved.Description.Should().Be("device: auto picked cuda (CUDA device 0 of 2)");
    }

    [Fact]
    public void Cuda_with_a_CUDA_device_uses_it()
    {
        var resolved = DeviceResolver.Resolve(DeviceChoice.Cuda, CudaBuildWithTwoGpus);

        resolved.Type.Should().Be(DeviceType.CUDA);
        resolved.Description.Should().Be("device: cuda (CUDA device 0 of 2)");
    }

    [Fact]
    public void Cpu_is_the_CPU_even_with_a_GPU()
    {
        var resolved = DeviceResolver.Resolve(DeviceChoice.Cpu, CudaBuildWithTwoGpus);

        resolved.Type.Should().Be(DeviceType.CPU);
        resolved.Description.Should().Be("device: cpu");
    }

    [Fact]
    public void Cuda_on_the_CPU_build_is_an_error_naming_the_build_switch()
    {
        var act = () => DeviceResolver.Resolve(DeviceChoice.Cuda, CpuBuild);

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "run.device is cuda, but this build uses the CPU libtorch: build with -p:TorchBackend=cuda (README, GPU), or use device: auto or cpu");
    }

    [Fact]
    public void Cuda_on_a_CUDA_build_without_a_GPU_is_an_error_about_the_driver()
    {
        var act = () => DeviceResolver.Resolve(DeviceChoice.Cuda, CudaBuildWithoutGpu);

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "run.device is cuda, but TorchSharp reports no CUDA device (this build uses the CUDA libtorch: check the NVIDIA driver " +
            "and that a GPU is visible); use device: auto or cpu");
    }

    [Fact]
    public void The_host_assembly_records_the_backend_it_was_built_with()
    {
        TorchBuild.Current().Backend.Should().BeOneOf("cpu", "cuda");
    }
}
