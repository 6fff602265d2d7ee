using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Pipeline.Host.Tests.Composition;

namespace Pipeline.Host.Tests.Build;

/// <summary>
/// What building a plugin against an installed host relies on besides plugins/template (PluginTemplateTests): the
/// host's output carries the contracts with their documentation, the contracts' sources build on their own outside the
/// repository, and build/Plugin.props switches from the contracts project to an installed host's assembly.
/// </summary>
[Trait("Category", "Build")]
public sealed class InstalledHostBuildTests
{
    private const string SamplePlugin = "plugins/samples/Ia3Adapter/Ia3Adapter.csproj";

    [Fact]
    public void The_hosts_output_folder_holds_the_contracts_and_their_documentation_side_by_side()
    {
        string configuration = typeof(InstalledHostBuildTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        string hostOutput = Path.Combine(SamplePluginBuild.RepositoryRoot(), "src", "Host", "bin", configuration, "net10.0");

        foreach (string folder in new[] { hostOutput, AppContext.BaseDirectory })
        {
            File.Exists(Path.Combine(folder, "pipeline.dll")).Should().BeTrue(folder);
            File.Exists(Path.Combine(folder, "Pipeline.Contracts.dll")).Should().BeTrue(folder);
            File.ReadAllText(Path.Combine(folder, "Pipeline.Contracts.xml")).Should().Contain("<member name=\"T:Pipeline.Contracts.Adapters.IAdapterFactory\">");
        }
    }

    [Fact]
    public void The_contracts_sources_build_on_their_own_when_copied_out_of_the_repository()
    {
        string source = Path.Combine(SamplePluginBuild.RepositoryRoot(), "src", "Contracts");
        string copy = Path.Combine(Path.GetTempPath(), "pipeline-contracts-" + Guid.NewGuid().ToString("N"));
        try
        {
            CopySources(source, copy);

            var (exitCode, log) = SamplePluginBuild.DotnetBuild(Path.Combine(copy, "Pipeline.Contracts.csproj"), "-p:NuGetAudit=false");

            exitCode.Should().Be(0, log);
            log.Should().Contain(" 0 Warning(s)", log);
            string output = Path.Combine(copy, "bin", "Debug", "net10.0");
            File.Exists(Path.Combine(output, "Pipeline.Contracts.dll")).Should().BeTrue(log);
            File.Exists(Path.Combine(output, "Pipeline.Contracts.xml")).Should().BeTrue(log);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void A_plugin_importing_Plugin_props_references_the_contracts_project_by_default()
    {
        var (references, projectReferences) = ContractsReferences(SamplePlugin);

        references.Should().BeEmpty();
        projectReferences.Should().ContainSingle().Which.Should().Be(("src/Contracts/Pipeline.Contracts.csproj", "false"));
    }

    [Fact]
    public void With_PipelineHostDir_a_plugin_importing_Plugin_props_references_that_hosts_contracts_assembly_instead()
    {
        var (references, projectReferences) = ContractsReferences(SamplePlugin, "PipelineHostDir=/opt/pipeline");

        projectReferences.Should().BeEmpty();
        references.Should().Equal(("/opt/pipeline/Pipeline.Contracts.dll", "false"));
    }

    /// <summary>Copies a project folder without its bin/ and obj/.</summary>
    private static void CopySources(string source, string target)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj") continue;
            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    /// <summary>
    /// Evaluates <paramref name="project"/> (relative to the repository root; nothing is restored or built) and returns
    /// its contracts references: <c>Reference</c> items named Pipeline.Contracts as (HintPath, Private), and
    /// <c>ProjectReference</c> items to a Pipeline.Contracts.csproj as (path relative to the repository, Private).
    /// </summary>
    private static (List<(string, string)> References, List<(string, string)> ProjectReferences) ContractsReferences(string project, params string[] properties)
    {
        string root = SamplePluginBuild.RepositoryRoot();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "msbuild", Path.Combine(root, project), "-getItem:Reference", "-getItem:ProjectReference", "-nologo" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string property in properties) start.ArgumentList.Add($"-p:{property}");
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, output + error.Result);

        using var document = JsonDocument.Parse(output);
        var items = document.RootElement.GetProperty("Items");
        var references = items.GetProperty("Reference").EnumerateArray()
            .Where(item => item.GetProperty("Identity").GetString() == "Pipeline.Contracts")
            .Select(item => (item.GetProperty("HintPath").GetString()!, item.GetProperty("Private").GetString()!))
            .ToList();
        var projectReferences = items.GetProperty("ProjectReference").EnumerateArray()
            .Where(item => item.GetProperty("Filename").GetString() == "Pipeline.Contracts")
            .Select(item => (Path.GetRelativePath(root, item.GetProperty("FullPath").GetString()!), item.GetProperty("Private").GetString()!))
            .ToList();
        return (references, projectReferences);
    }
}
