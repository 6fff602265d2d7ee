using Pipeline.Host.Composition;
using Pipeline.Host.Tests.Composition;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Samples;

/// <summary>
/// Builds the sample plugin <c>plugins/samples/DoraAdapter</c> once for every test class of the <c>dora sample</c>
/// collection, into a temporary directory with <c>dotnet build -o</c>, as its README says; deletes it at the end.
/// </summary>
public sealed class DoraSampleBuild : IDisposable
{
    public DoraSampleBuild()
    {
        OutputDirectory = Path.Combine(Path.GetTempPath(), "pipeline-dora-" + Guid.NewGuid().ToString("N"));
        string project = Path.Combine(SamplePluginBuild.RepositoryRoot(), "plugins", "samples", "DoraAdapter");
        var (exitCode, log) = SamplePluginBuild.DotnetBuild(project, "-o", OutputDirectory, "-p:CopyToRepositoryPlugins=false");
        exitCode.Should().Be(0, log);
    }

    /// <summary>Where the plugin was built to.</summary>
    public string OutputDirectory { get; }

    /// <summary>The plugin catalog of the build output.</summary>
    public PluginCatalog Catalog() => PluginCatalog.Load([OutputDirectory]);

    /// <summary>
    /// The tiny pipeline with <c>dora</c> (rank 4, alpha 8, on q_proj and v_proj) in place of its LoRA adapter, and a
    /// <c>plugins</c> entry naming the build output, so every command and loader finds the plugin.
    /// </summary>
    public string TinyYaml() =>
        $"plugins: ['{OutputDirectory}']\n" + TinyPipeline.Yaml.Replace("""
                - plugin: lora
                  options:
                    rank: 4
                    alpha: 8
                    dropout: 0.0
            """, """
                - plugin: dora
                  options:
                    rank: 4
                    alpha: 8
            """);

    public void Dispose()
    {
        try { Directory.Delete(OutputDirectory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The test classes that share one build of the DoRA sample plugin.</summary>
[CollectionDefinition(Name)]
public sealed class DoraSampleCollection : ICollectionFixture<DoraSampleBuild>
{
    public const string Name = "dora sample";
}
