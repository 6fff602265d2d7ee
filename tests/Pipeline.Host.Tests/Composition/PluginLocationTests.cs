using Pipeline.Host.Composition;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Composition;

/// <summary>
/// Plugins load only from the configured directories (built-in, <c>./plugins</c>, the YAML's <c>plugins</c> list,
/// <c>--plugins</c>), top level only: a plugin assembly anywhere else is never loaded.
/// </summary>
public sealed class PluginLocationTests : IDisposable
{
    private readonly PluginDirectory _workingDirectory = new();
    private readonly string _previousDirectory = Environment.CurrentDirectory;

    public PluginLocationTests() => Environment.CurrentDirectory = _workingDirectory.Path;

    public void Dispose()
    {
        Environment.CurrentDirectory = _previousDirectory;
        _workingDirectory.Dispose();
    }

    private static bool LoadedTestPlugins(PluginCatalog catalog) =>
        catalog.Contains("adapter", "test-adapter") || catalog.AssemblyPaths.Any(p => p.EndsWith("Pipeline.Host.Tests.dll"));

    [Fact]
    public void A_plugin_assembly_in_the_working_directory_itself_or_next_to_the_yaml_is_not_loaded()
    {
        _workingDirectory.AddTestPlugins();
        using var pipeline = new TinyPipeline();
        File.Copy(PluginDirectory.TestAssemblyPath, Path.Combine(pipeline.Directory, "Pipeline.Host.Tests.dll"));

        var definition = PipelineLoader.Load(pipeline.ConfigPath);

        LoadedTestPlugins(definition.Catalog).Should().BeFalse();
        definition.Catalog.AssemblyPaths.Should().OnlyContain(p => Path.GetDirectoryName(p) == Path.GetFullPath(PluginSearchPath.BuiltInDirectory));
    }

    [Fact]
    public void A_plugin_assembly_in_a_subfolder_of_a_plugin_directory_is_not_loaded()
    {
        string nested = Path.Combine(_workingDirectory.Path, "plugins", "nested");
        Directory.CreateDirectory(nested);
        File.Copy(PluginDirectory.TestAssemblyPath, Path.Combine(nested, "Pipeline.Host.Tests.dll"));

        var catalog = PluginCatalog.Load(PluginSearchPath.Resolve([]));

        LoadedTestPlugins(catalog).Should().BeFalse();
    }

    [Fact]
    public void The_same_assembly_in_the_working_directory_plugins_folder_is_loaded()
    {
        string plugins = Directory.CreateDirectory(Path.Combine(_workingDirectory.Path, "plugins")).FullName;
        File.Copy(PluginDirectory.TestAssemblyPath, Path.Combine(plugins, "Pipeline.Host.Tests.dll"));

        var catalog = PluginCatalog.Load(PluginSearchPath.Resolve([]));

        LoadedTestPlugins(catalog).Should().BeTrue("the control case: the copy loads from a configured directory");
    }
}
