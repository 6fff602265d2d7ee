using System.Diagnostics;

namespace Pipeline.Host.Tests.Composition;

/// <summary>
/// Builds the third-party sample plugin <c>plugins/samples/Ia3Adapter</c> once per test class into a temporary
/// directory with <c>dotnet build -o</c>, the way an outside author would build it.
/// </summary>
public sealed class SamplePluginBuild : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    public SamplePluginBuild()
    {
        OutputDirectory = Path.Combine(Path.GetTempPath(), "pipeline-ia3-" + Guid.NewGuid().ToString("N"));
        string project = Path.Combine(RepositoryRoot(), "plugins", "samples", "Ia3Adapter");
        (ExitCode, Log) = DotnetBuild(project, "-o", OutputDirectory, "-p:CopyToRepositoryPlugins=false");
    }

    /// <summary>Runs <c>dotnet build PROJECT ARGUMENTS</c> in a process of its own; returns its exit code and console output.</summary>
    public static (int ExitCode, string Log) DotnetBuild(string project, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "build", project }.Concat(arguments).Concat(["--disable-build-servers", "-nologo"])) start.ArgumentList.Add(argument);
        // The test host runs under MSBuild's environment; a nested build must choose its own.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(BuildTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build {project} did not finish within {BuildTimeout}");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>Where the plugin was built to.</summary>
    public string OutputDirectory { get; }

    /// <summary>The exit code of <c>dotnet build</c>.</summary>
    public int ExitCode { get; }

    /// <summary>The build's console output, for failure messages.</summary>
    public string Log { get; }

    /// <summary>The built plugin assembly.</summary>
    public string PluginPath => Path.Combine(OutputDirectory, "Ia3Adapter.dll");

    /// <summary>The folder holding Pipeline.sln, found by walking up from the test's base directory.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Pipeline.sln"))) return directory.FullName;
        throw new DirectoryNotFoundException($"no Pipeline.sln above {AppContext.BaseDirectory}");
    }

    public void Dispose()
    {
        try { Directory.Delete(OutputDirectory, recursive: true); }
        catch (IOException) { }
    }
}
