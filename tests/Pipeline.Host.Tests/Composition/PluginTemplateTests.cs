using System.Text.RegularExpressions;
using Pipeline.Host.Tests.Checkpoints;

namespace Pipeline.Host.Tests.Composition;

/// <summary>
/// plugins/template, copied out of the repository and built against an installed host alone (<c>PipelineHostDir</c>),
/// then dropped into a plugins folder and run by the real <c>pipeline</c> command, as docs/PLUGINS.md ("Building
/// against an installed host") says.
/// </summary>
[Trait("Category", "Build")]
public sealed class PluginTemplateTests(TemplatePluginBuild build) : IClassFixture<TemplatePluginBuild>
{
    private static readonly TimeSpan HostTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_template_builds_outside_the_repository_against_the_hosts_contracts_into_the_plugin_assembly_alone()
    {
        build.ProjectDirectory.Should().NotStartWith(SamplePluginBuild.RepositoryRoot());
        File.Exists(Path.Combine(TemplatePluginBuild.HostDirectory, "Pipeline.Contracts.dll")).Should().BeTrue();

        build.ExitCode.Should().Be(0, build.Log);
        build.Log.Should().Contain(" 0 Warning(s)", build.Log);
        // Compiled against the host's DLL: the contracts project is not built.
        build.Log.Should().NotContain("Pipeline.Contracts ->", build.Log);
        Directory.GetFiles(build.OutputDirectory).Select(Path.GetFileName).Should().BeEquivalentTo("MyAdapter.deps.json", "MyAdapter.dll", "MyAdapter.pdb");
    }

    [Fact]
    public void The_host_lists_the_plugin_dropped_into_a_plugins_folder()
    {
        string plugins = DropIn();

        using var host = HostProcess.Start(build.ProjectDirectory, "plugins", "--plugins", plugins);

        host.WaitForExit(HostTimeout).Should().Be(0, host.Output);
        Regex.IsMatch(host.Output, @"^adapter +my_adapter +0\.1\.0 +MyAdapter\.dll +template: learned output bias on targeted projections$", RegexOptions.Multiline)
            .Should().BeTrue(host.Output);
    }

    [Fact]
    public void The_template_adapter_passes_the_conformance_kit()
    {
        string plugins = DropIn();

        using var host = HostProcess.Start(build.ProjectDirectory, "check-plugin", "my_adapter", "--plugins", plugins);

        host.WaitForExit(HostTimeout).Should().Be(0, host.Output);
        host.Output.TrimEnd().Split('\n')[^1].Should().Be("adapter 'my_adapter' passes all 8 applicable checks");
    }

    [Fact]
    public void A_host_folder_without_the_contracts_stops_the_build_with_PIPE0002()
    {
        string project = TemplatePluginBuild.CopyTemplate();
        string empty = Path.Combine(project, "no-host");
        Directory.CreateDirectory(empty);
        try
        {
            var (exitCode, log) = SamplePluginBuild.DotnetBuild(Path.Combine(project, "MyAdapter.csproj"), $"-p:PipelineHostDir={empty}", "-p:NuGetAudit=false");

            exitCode.Should().NotBe(0);
            log.Should().Contain($"error PIPE0002: no Pipeline.Contracts.dll in PipelineHostDir '{empty}': set it to the installed host's folder, "
                + "the one holding pipeline.dll and Pipeline.Contracts.dll (dotnet build -p:PipelineHostDir=DIR)");
            log.Should().NotContain("error CS", "the build stops before compiling");
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    [Fact]
    public void The_guide_shows_the_templates_project_file_as_it_is()
    {
        string guide = File.ReadAllText(WalkthroughPluginBuild.DocumentPath);
        int start = guide.IndexOf("## Building against an installed host", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0);
        string section = guide[start..guide.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];

        string shown = Regex.Match(section, @"`plugins/template/MyAdapter\.csproj`:\s*```xml\n(?<xml>.*?)\n```", RegexOptions.Singleline).Groups["xml"].Value;

        shown.Should().Be(File.ReadAllText(Path.Combine(TemplatePluginBuild.TemplateDirectory, "MyAdapter.csproj")).TrimEnd('\n'));
    }

    /// <summary>Copies the built plugin assembly, alone, into a fresh plugins folder beside the project.</summary>
    private string DropIn()
    {
        build.ExitCode.Should().Be(0, build.Log);
        string plugins = Path.Combine(build.ProjectDirectory, "plugins-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(plugins);
        File.Copy(Path.Combine(build.OutputDirectory, "MyAdapter.dll"), Path.Combine(plugins, "MyAdapter.dll"));
        return plugins;
    }
}
