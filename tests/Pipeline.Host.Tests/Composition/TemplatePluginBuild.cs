namespace Pipeline.Host.Tests.Composition;

/// <summary>
/// Copies the plugin template <c>plugins/template</c> into a temporary folder outside the repository and builds it
/// there once per test class, as a stranger would: against an installed host alone, with <c>PipelineHostDir</c>
/// pointing at the folder of the host these tests run (it holds <c>pipeline.dll</c> and <c>Pipeline.Contracts.dll</c>).
/// </summary>
public sealed class TemplatePluginBuild : IDisposable
{
    public TemplatePluginBuild()
    {
        ProjectDirectory = CopyTemplate();
        (ExitCode, Log) = SamplePluginBuild.DotnetBuild(ProjectPath, $"-p:PipelineHostDir={HostDirectory}", "-p:NuGetAudit=false");
    }

    /// <summary>plugins/template in the repository.</summary>
    public static string TemplateDirectory => Path.Combine(SamplePluginBuild.RepositoryRoot(), "plugins", "template");

    /// <summary>The installed host the template is built against: the folder of the host these tests run.</summary>
    public static string HostDirectory => AppContext.BaseDirectory;

    /// <summary>Where the template was copied and built.</summary>
    public string ProjectDirectory { get; }

    /// <summary>The copied project file.</summary>
    public string ProjectPath => Path.Combine(ProjectDirectory, "MyAdapter.csproj");

    /// <summary>The plugin's build output folder.</summary>
    public string OutputDirectory => Path.Combine(ProjectDirectory, "bin", "Debug", "net10.0");

    /// <summary>The exit code of <c>dotnet build</c>.</summary>
    public int ExitCode { get; }

    /// <summary>The build's console output, for failure messages.</summary>
    public string Log { get; }

    /// <summary>Copies the template's files (not its bin/ or obj/, should it have been built in place) into a new
    /// temporary folder and returns that folder.</summary>
    public static string CopyTemplate()
    {
        string target = Path.Combine(Path.GetTempPath(), "pipeline-template-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(TemplateDirectory))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(ProjectDirectory, recursive: true); }
        catch (IOException) { }
    }
}
