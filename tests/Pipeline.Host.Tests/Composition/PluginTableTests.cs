using Pipeline.Host.Composition;

namespace Pipeline.Host.Tests.Composition;

public sealed class PluginTableTests : IDisposable
{
    private readonly PluginDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Lists_plugins_by_kind_then_name_and_then_every_problem_as_a_warning()
    {
        string path = _directory.AddTestPlugins();
        var catalog = PluginCatalog.Load([_directory.Path]);

        string table = PluginTable.Render(catalog);

        string expected =
            "kind       name            version  assembly                 description\n" +
            "encoder    test-encoder    1.0.0    Pipeline.Host.Tests.dll  test encoder\n" +
            "adapter    test-adapter    2.3.4    Pipeline.Host.Tests.dll  test adapter\n" +
            "scheduler  test-scheduler  1.0.0    Pipeline.Host.Tests.dll  test scheduler\n" +
            string.Concat(PluginCatalogTests.ExpectedTestPluginProblems(path).Select(p => $"warning: {p}\n"));
        table.Should().Be(expected);
    }

    [Fact]
    public void Says_so_when_there_are_no_plugins()
    {
        PluginTable.Render(PluginCatalog.Load([_directory.Path])).Should().Be("no plugins found\n");
    }
}
