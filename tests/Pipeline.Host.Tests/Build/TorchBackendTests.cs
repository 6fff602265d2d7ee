namespace Pipeline.Host.Tests.Build;

/// <summary>
/// The one build switch <c>TorchBackend</c> (build/TorchBackend.props) picks the libtorch natives of the host, the
/// tests and the benchmark. Checked by MSBuild evaluation only: the CUDA package is never restored here.
/// </summary>
public sealed class TorchBackendTests
{
    private const string Host = "src/Host/Pipeline.Host.csproj";

    public static TheoryData<string> NativeProjects => new()
    {
        Host,
        "tests/Pipeline.Host.Tests/Pipeline.Host.Tests.csproj",
        "bench/MoleDispatch/MoleDispatch.csproj",
    };

    [Theory]
    [MemberData(nameof(NativeProjects))]
    public void By_default_a_project_takes_the_CPU_libtorch(string project)
    {
        var evaluation = MsBuildEvaluation.Run(project);

        evaluation.ExitCode.Should().Be(0, evaluation.Output);
        Natives(evaluation).Should().Equal(("libtorch-cpu-linux-x64", "2.10.0"));
        evaluation.PackageReferences.Should().Contain(("TorchSharp", "0.107.0"));
        evaluation.Restored.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(NativeProjects))]
    public void With_TorchBackend_cuda_a_project_takes_the_CUDA_libtorch_instead(string project)
    {
        var evaluation = MsBuildEvaluation.Run(project, "TorchBackend=cuda");

        evaluation.ExitCode.Should().Be(0, evaluation.Output);
        Natives(evaluation).Should().Equal(("libtorch-cuda-12.8-linux-x64", "2.10.0"));
        evaluation.PackageReferences.Should().Contain(("TorchSharp", "0.107.0"));
        evaluation.Restored.Should().BeFalse();
    }

    [Fact]
    public void The_switch_changes_nothing_but_the_natives()
    {
        var cpu = MsBuildEvaluation.Run(Host, "TorchBackend=cpu");
        var cuda = MsBuildEvaluation.Run(Host, "TorchBackend=cuda");

        cpu.PackageReferences.Should().HaveCount(cuda.PackageReferences.Count).And.NotBeEmpty();
        cpu.PackageReferences.Where(p => !p.Name.StartsWith("libtorch-", StringComparison.Ordinal))
            .Should().Equal(cuda.PackageReferences.Where(p => !p.Name.StartsWith("libtorch-", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_unknown_backend_stops_before_any_package_is_collected()
    {
        var evaluation = MsBuildEvaluation.Run(Host, "TorchBackend=rocm");

        evaluation.ExitCode.Should().NotBe(0);
        evaluation.Output.Should().Contain(
            "error PIPE0001: TorchBackend is 'rocm'; expected cpu (the default) or cuda, as in: dotnet build -p:TorchBackend=cuda");
        evaluation.Restored.Should().BeFalse();
    }

    private static IEnumerable<(string Name, string Version)> Natives(MsBuildEvaluation evaluation) =>
        evaluation.PackageReferences.Where(p => p.Name.StartsWith("libtorch-", StringComparison.Ordinal));
}
