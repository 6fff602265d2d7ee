using Pipeline.Host.Config.Binding;
using Pipeline.Host.Composition;

namespace Pipeline.Host.Tests.Composition;

public sealed class PluginSearchPathTests : IDisposable
{
    private readonly PluginDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Built_in_plugins_come_first_then_the_working_directory_plugins_folder_then_explicit_directories()
    {
        string workingPlugins = Directory.CreateDirectory(Path.Combine(_directory.Path, "plugins")).FullName;
        string extra = Directory.CreateDirectory(Path.Combine(_directory.Path, "extra")).FullName;
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _directory.Path;

            var directories = PluginSearchPath.Resolve(["extra", extra, workingPlugins]);

            directories.Should().Equal(Path.GetFullPath(PluginSearchPath.BuiltInDirectory), workingPlugins, extra);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void A_missing_working_directory_plugins_folder_is_skipped_but_a_missing_explicit_directory_is_an_error()
    {
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _directory.Path;

            PluginSearchPath.Resolve([]).Should().Equal(Path.GetFullPath(PluginSearchPath.BuiltInDirectory));
            var resolve = () => PluginSearchPath.Resolve(["no-such-plugins"]);
            resolve.Should().Throw<ConfigException>().WithMessage("--plugins: plugin directory 'no-such-plugins' does not exist");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
