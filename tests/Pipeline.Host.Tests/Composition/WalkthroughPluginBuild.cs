using System.Text.RegularExpressions;

namespace Pipeline.Host.Tests.Composition;

/// <summary>
/// Writes the files of the docs/PLUGINS.md walk-through (the <c>output_bias</c> adapter) exactly as the document shows
/// them into a temporary folder and builds them there with <c>dotnet build</c>, once per test class, the way its reader
/// would: outside the repository, with <c>PipelineRoot</c> pointing at it.
/// </summary>
public sealed partial class WalkthroughPluginBuild : IDisposable
{
    public WalkthroughPluginBuild()
    {
        string document = File.ReadAllText(DocumentPath);
        int start = document.IndexOf("## Ten minutes", StringComparison.Ordinal);
        int end = document.IndexOf("## Reference", start, StringComparison.Ordinal);
        Walkthrough = document[start..end];
        Files = FileBlock().Matches(Walkthrough).ToDictionary(m => m.Groups["file"].Value, m => m.Groups["code"].Value + "\n");
        ProjectDirectory = Path.Combine(Path.GetTempPath(), "pipeline-output-bias-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ProjectDirectory);
        foreach (var (name, code) in Files) File.WriteAllText(Path.Combine(ProjectDirectory, name), code);
        string root = SamplePluginBuild.RepositoryRoot() + Path.DirectorySeparatorChar;
        (ExitCode, Log) = Files.ContainsKey("OutputBias.csproj")
            ? SamplePluginBuild.DotnetBuild(Path.Combine(ProjectDirectory, "OutputBias.csproj"), $"-p:PipelineRoot={root}")
            : (-1, "the walk-through has no OutputBias.csproj");
    }

    /// <summary>docs/PLUGINS.md.</summary>
    public static string DocumentPath => Path.Combine(SamplePluginBuild.RepositoryRoot(), "docs", "PLUGINS.md");

    /// <summary>The walk-through's text: from "## Ten minutes" to "## Reference".</summary>
    public string Walkthrough { get; }

    /// <summary>Each file the walk-through shows (a line naming it in backticks and a colon, then its code block), by file name.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>Where the files were written and built.</summary>
    public string ProjectDirectory { get; }

    /// <summary>The plugin's build output folder (Debug: the configuration does not change what it holds).</summary>
    public string OutputDirectory => Path.Combine(ProjectDirectory, "bin", "Debug", "net10.0");

    /// <summary>The exit code of <c>dotnet build</c>.</summary>
    public int ExitCode { get; }

    /// <summary>The build's console output, for failure messages.</summary>
    public string Log { get; }

    // "`OutputBiasOptions.cs`: ..." or "`~/output-bias/OutputBias.csproj`:" at the start of a line, then the next fenced block.
    [GeneratedRegex(@"^`(?:~/output-bias/)?(?<file>\w+\.(?:cs|csproj))`:.*?```(?:csharp|xml)\n(?<code>.*?)\n```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FileBlock();

    public void Dispose()
    {
        try { Directory.Delete(ProjectDirectory, recursive: true); }
        catch (IOException) { }
    }
}
