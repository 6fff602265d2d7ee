using System.Diagnostics;
using System.Text.Json;

namespace Pipeline.Host.Tests.Build;

/// <summary>
/// Runs <c>dotnet msbuild PROJECT -t:CollectPackageReferences -getItem:PackageReference</c>: the project is evaluated
/// and the one target that both restore and build run to gather package references is executed, but nothing is
/// restored or compiled. Restore output is redirected to a fresh folder (<c>MSBuildProjectExtensionsPath</c>), so a
/// test can check that nothing was restored.
/// </summary>
public sealed class MsBuildEvaluation
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private MsBuildEvaluation(int exitCode, string output, IReadOnlyList<(string Name, string Version)> packages, bool restored)
    {
        ExitCode = exitCode;
        Output = output;
        PackageReferences = packages;
        Restored = restored;
    }

    /// <summary>The exit code of <c>dotnet msbuild</c>.</summary>
    public int ExitCode { get; }

    /// <summary>Everything it printed.</summary>
    public string Output { get; }

    /// <summary>The package references the project resolves to (name and version), in project order; empty when it failed.</summary>
    public IReadOnlyList<(string Name, string Version)> PackageReferences { get; }

    /// <summary>Whether anything was written where restore puts its output (<c>project.assets.json</c> and friends).</summary>
    public bool Restored { get; }

    /// <summary>Evaluates <paramref name="project"/> (relative to the repository root) with the given global properties.</summary>
    public static MsBuildEvaluation Run(string project, params string[] properties)
    {
        string extensions = Path.Combine(Path.GetTempPath(), "pipeline-msbuild-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "msbuild", Path.Combine(Composition.SamplePluginBuild.RepositoryRoot(), project),
                "-t:CollectPackageReferences", "-getItem:PackageReference", "-nologo",
                $"-p:MSBuildProjectExtensionsPath={extensions}/",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string property in properties) start.ArgumentList.Add($"-p:{property}");
        // The test host runs under MSBuild's environment; the nested evaluation must choose its own.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment.Remove("TorchBackend");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet msbuild {project} did not finish within {Timeout}");
        }
        string text = output.Result + error.Result;
        bool restored = Directory.Exists(extensions);
        if (restored) Directory.Delete(extensions, recursive: true);
        var packages = process.ExitCode == 0 ? ReadPackages(output.Result) : [];
        return new MsBuildEvaluation(process.ExitCode, text, packages, restored);
    }

    private static IReadOnlyList<(string, string)> ReadPackages(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(item => (item.GetProperty("Identity").GetString()!, item.GetProperty("Version").GetString()!))
            .ToList();
    }
}
