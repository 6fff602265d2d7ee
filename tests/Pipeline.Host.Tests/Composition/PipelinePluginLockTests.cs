using Pipeline.Host.Cli;
using Pipeline.Host.Composition;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Composition;

/// <summary>The plugin lock as a pipeline uses it: <c>plugins.lock</c> next to the YAML, <c>plugins_lock</c>, and the command line.</summary>
public sealed class PipelinePluginLockTests : IDisposable
{
    private readonly PluginDirectory _plugins = new();

    public void Dispose() => _plugins.Dispose();

    private TinyPipeline PipelineWithPluginDirectory(string extra = "") =>
        new(TinyPipeline.Yaml.Replace("run:", $"plugins: [\"{_plugins.Path}\"]\n{extra}run:"));

    [Fact]
    public void A_plugins_lock_next_to_the_yaml_is_in_force_without_being_named()
    {
        string plugin = _plugins.AddTestPlugins();
        using var pipeline = PipelineWithPluginDirectory();
        string lockPath = Path.Combine(pipeline.Directory, "plugins.lock");
        PluginLock.Write(lockPath, [_plugins.Path]);
        PipelineLoader.Load(pipeline.ConfigPath).Catalog.Contains("adapter", "test-adapter").Should().BeTrue();
        File.AppendAllText(plugin, "tampered");

        var act = () => PipelineLoader.Load(pipeline.ConfigPath);

        act.Should().Throw<PluginLockException>().WithMessage($"plugin file '{plugin}' does not match {lockPath}: expected sha256 *, actual {PluginLock.Sha256(plugin)}");
    }

    [Fact]
    public void Plugins_lock_names_another_lock_file_which_must_exist()
    {
        _plugins.AddTestPlugins();
        using var pipeline = PipelineWithPluginDirectory("plugins_lock: locks/pinned.lock\n");
        string lockPath = Path.Combine(pipeline.Directory, "locks", "pinned.lock");
        File.WriteAllText(Path.Combine(pipeline.Directory, "plugins.lock"), "# ignored: plugins_lock names another file\n");
        PluginLock.Write(lockPath, [_plugins.Path]);
        PipelineLoader.Load(pipeline.ConfigPath).Catalog.Contains("adapter", "test-adapter").Should().BeTrue();
        File.Delete(lockPath);

        var act = () => PipelineLoader.Load(pipeline.ConfigPath);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:2:15: plugins_lock: plugin lock file 'locks/pinned.lock' does not exist (looked for {lockPath})");
        Directory.CreateDirectory(lockPath);
        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"{pipeline.ConfigPath}:2:15: plugins_lock: 'locks/pinned.lock' is a directory, not a plugin lock file (looked at {lockPath})");
    }

    [Fact]
    public void The_command_line_writes_a_lock_and_a_refused_file_exits_with_a_configuration_error()
    {
        string plugin = _plugins.AddTestPlugins();
        using var pipeline = PipelineWithPluginDirectory();
        string lockPath = Path.Combine(pipeline.Directory, "plugins.lock");

        var (written, output, _) = ConsoleCapture.Run("plugins", "--plugins", _plugins.Path, "--write-lock", lockPath);
        File.AppendAllText(plugin, "tampered");
        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath);

        written.Should().Be(0);
        output.Should().StartWith($"wrote {lockPath}: 1 plugin file pinned\n").And.Contain("adapter    test-adapter");
        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().StartWith($"error: plugin file '{plugin}' does not match {lockPath}: expected sha256 ");
    }
}
