using System.Runtime.Loader;
using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Composition;

namespace Pipeline.Host.Tests.Composition;

public sealed class PluginCatalogTests : IDisposable
{
    private readonly PluginDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>The problems every load of a <see cref="TestPlugins"/> copy at <paramref name="path"/> reports.</summary>
    public static string[] ExpectedTestPluginProblems(string path) =>
    [
        $"{path}: plugin 'adapter/test-future' was built for contract major version 2; this host implements 1",
        $"{path}: plugin 'adapter/test-mislabelled': Pipeline.Host.Tests.Composition.TestPlugins+MislabelledAdapter does not implement Pipeline.Contracts.Adapters.IAdapterFactory",
        $"{path}: plugin 'adapter/test-throwing' could not be created: broken on purpose",
        $"{path}: plugin 'scheduler/Test Scheduler' has an invalid name: use lower-case letters, digits, '_' and '-'",
        $"{path}: plugin 'widget/test-widget' has unknown kind 'widget'; known kinds: encoder, adapter, scheduler",
    ];

    [Fact]
    public void Finds_the_good_plugins_of_an_assembly_with_their_metadata()
    {
        string path = _directory.AddTestPlugins();

        var catalog = PluginCatalog.Load([_directory.Path]);

        catalog.Plugins.Select(p => (p.Kind, p.Name, p.Version, p.ContractMajor, p.AssemblyPath, p.Description))
            .Should().BeEquivalentTo(new[]
            {
                ("adapter", "test-adapter", "2.3.4", 1, path, "test adapter"),
                ("encoder", "test-encoder", "1.0.0", 1, path, "test encoder"),
                ("scheduler", "test-scheduler", "1.0.0", 1, path, "test scheduler"),
            });
        catalog.AssemblyPaths.Should().Equal(path);
    }

    [Fact]
    public void Plugin_types_come_from_a_plugin_load_context_but_implement_the_hosts_interfaces()
    {
        _directory.AddTestPlugins();

        var catalog = PluginCatalog.Load([_directory.Path]);

        IAdapterFactory adapter = catalog.GetAdapter("test-adapter");
        AssemblyLoadContext.GetLoadContext(adapter.GetType().Assembly).Should().BeOfType<PluginLoadContext>();
        adapter.GetType().Should().NotBe(typeof(TestPlugins.Adapter), "the copy is a different assembly from the test assembly");
        typeof(IAdapterFactory).IsAssignableFrom(adapter.GetType()).Should().BeTrue();
        catalog.GetEncoder("test-encoder").Should().BeAssignableTo<IEncoderFactory>();
        catalog.GetScheduler("test-scheduler").Should().BeAssignableTo<ISchedulerFactory>();
        catalog.Get(PluginKind.Adapter, "test-adapter").Should().BeSameAs(adapter);
    }

    [Fact]
    public void Rejects_bad_exports_with_a_message_naming_file_plugin_and_cause()
    {
        string path = _directory.AddTestPlugins();

        var catalog = PluginCatalog.Load([_directory.Path]);

        catalog.Problems.Select(p => p.ToString()).Should().BeEquivalentTo(ExpectedTestPluginProblems(path));
        catalog.Problems.Should().OnlyContain(p => p.AssemblyPath == path);
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_is_reported_and_the_valid_plugin_beside_it_still_loads()
    {
        string broken = _directory.AddGarbage("broken.dll");
        string valid = _directory.AddTestPlugins();

        var catalog = PluginCatalog.Load([_directory.Path]);

        var problem = catalog.Problems.Should().ContainSingle(p => p.AssemblyPath == broken).Subject;
        problem.ToString().Should().StartWith($"{broken}: not a .NET assembly (");
        catalog.GetAdapter("test-adapter").Should().NotBeNull();
        catalog.Describe(PluginKind.Adapter, "test-adapter").AssemblyPath.Should().Be(valid);
    }

    [Fact]
    public void A_duplicate_kind_and_name_keeps_the_first_and_reports_the_later_naming_both_files()
    {
        using var second = new PluginDirectory();
        string first = _directory.AddTestPlugins();
        string later = second.AddTestPlugins();

        var catalog = PluginCatalog.Load([_directory.Path, second.Path]);

        catalog.Describe(PluginKind.Adapter, "test-adapter").AssemblyPath.Should().Be(first);
        catalog.Plugins.Should().HaveCount(3);
        catalog.Problems.Select(p => p.ToString()).Should().Contain(
            $"{later}: plugin 'adapter/test-adapter' is already provided by {first}; this one is ignored");
    }

    [Fact]
    public void Unknown_names_list_the_known_names_of_that_kind()
    {
        _directory.AddTestPlugins();
        var catalog = PluginCatalog.Load([_directory.Path]);

        catalog.Invoking(c => c.GetAdapter("lorax")).Should().Throw<UnknownPluginException>()
            .WithMessage("unknown adapter 'lorax'; known adapters: test-adapter");
        catalog.Invoking(c => c.Get("widget", "x")).Should().Throw<ArgumentException>()
            .WithMessage("unknown plugin kind 'widget'; known kinds: encoder, adapter, scheduler*");
    }

    [Fact]
    public void Unknown_name_message_sorts_the_known_names_and_says_when_there_are_none()
    {
        using var second = new PluginDirectory();
        _directory.AddTestPlugins();
        var empty = PluginCatalog.Load([second.Path]);

        empty.Invoking(c => c.GetScheduler("cosine")).Should().Throw<UnknownPluginException>()
            .WithMessage("unknown scheduler 'cosine'; no schedulers are installed");
        new UnknownPluginException("adapter", "lorax", ["lora", "mole"]).Message
            .Should().Be("unknown adapter 'lorax'; known adapters: lora, mole");
        PluginCatalog.Load([_directory.Path]).Names(PluginKind.Encoder).Should().Equal("test-encoder");
    }

    [Fact]
    public void Host_owned_copies_beside_a_plugin_are_skipped_and_never_loaded_twice()
    {
        string plugin = _directory.AddTestPlugins();
        _directory.AddCopyOf(typeof(IPluginFactory).Assembly.Location);
        _directory.AddCopyOf(typeof(TorchSharp.torch).Assembly.Location);
        _directory.AddCopyOf(typeof(System.Composition.Hosting.ContainerConfiguration).Assembly.Location);

        var catalog = PluginCatalog.Load([_directory.Path]);

        catalog.AssemblyPaths.Should().Equal(plugin);
        catalog.Problems.Select(p => p.ToString()).Should().BeEquivalentTo(ExpectedTestPluginProblems(plugin));
        LoadedCopies("Pipeline.Contracts").Should().Be(1);
        LoadedCopies("TorchSharp").Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void A_missing_directory_is_an_error_naming_it()
    {
        string missing = Path.Combine(_directory.Path, "nope");

        var load = () => PluginCatalog.Load([missing]);

        load.Should().Throw<DirectoryNotFoundException>().WithMessage($"plugin directory '{missing}' does not exist");
    }

    [Fact]
    public void The_built_in_plugins_directory_of_the_build_output_loads_without_problems()
    {
        string builtIn = PluginSearchPath.BuiltInDirectory;
        Directory.GetFiles(builtIn, "*.dll").Select(Path.GetFileName).Should().Contain(
            ["Pipeline.Plugins.Adapters.dll", "Pipeline.Plugins.Encoders.dll", "Pipeline.Plugins.Schedulers.dll"]);

        var catalog = PluginCatalog.Load([builtIn]);

        catalog.Problems.Should().BeEmpty();
        catalog.Plugins.Where(p => Path.GetDirectoryName(p.AssemblyPath) != Path.GetFullPath(builtIn)).Should().BeEmpty();
    }

    internal static int LoadedCopies(string assemblyName) =>
        AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == assemblyName);
}
