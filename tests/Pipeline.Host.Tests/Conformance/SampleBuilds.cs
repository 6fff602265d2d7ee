using Pipeline.Host.Tests.Composition;

namespace Pipeline.Host.Tests.Conformance;

/// <summary>
/// Builds the sample plugins under <c>plugins/samples</c> on first use, each into a temporary directory of its own with
/// <c>dotnet build -o</c>, the way an outside author builds a plugin; deletes them when the test class ends.
/// </summary>
public sealed class SampleBuilds : IDisposable
{
    private readonly Dictionary<string, string> _outputs = [];

    /// <summary>The folder names of every sample plugin, sorted.</summary>
    public static IReadOnlyList<string> Samples() =>
        Directory.GetDirectories(Path.Combine(SamplePluginBuild.RepositoryRoot(), "plugins", "samples"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0)
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>The build output directory of sample <paramref name="sample"/>, building it the first time.</summary>
    public string OutputOf(string sample)
    {
        if (_outputs.TryGetValue(sample, out string? built)) return built;
        string output = Path.Combine(Path.GetTempPath(), $"pipeline-sample-{sample}-{Guid.NewGuid():N}");
        _outputs[sample] = output;
        string project = Path.Combine(SamplePluginBuild.RepositoryRoot(), "plugins", "samples", sample);
        var (exitCode, log) = SamplePluginBuild.DotnetBuild(project, "-o", output, "-p:CopyToRepositoryPlugins=false");
        exitCode.Should().Be(0, log);
        return output;
    }

    public void Dispose()
    {
        foreach (string output in _outputs.Values)
        {
            try { Directory.Delete(output, recursive: true); }
            catch (IOException) { }
        }
    }
}
