using Pipeline.Host.Composition;

namespace Pipeline.Host.Tests.Composition;

/// <summary>A plugin lock pins every plugin file's SHA-256; the catalog refuses changed and unlisted files before loading anything.</summary>
public sealed class PluginLockTests : IDisposable
{
    private readonly PluginDirectory _directory = new();
    private readonly PluginDirectory _lockFolder = new();

    public void Dispose()
    {
        _directory.Dispose();
        _lockFolder.Dispose();
    }

    private string LockPath => Path.Combine(_lockFolder.Path, "plugins.lock");

    [Fact]
    public void A_written_lock_lists_every_plugin_file_relative_to_the_lock_in_sha256sum_format()
    {
        string plugin = _directory.AddTestPlugins();
        string native = Path.Combine(_directory.Path, "runtimes", "linux-x64", "native", "libhelper.so");
        Directory.CreateDirectory(Path.GetDirectoryName(native)!);
        File.WriteAllBytes(native, [1, 2, 3]);
        File.WriteAllText(Path.Combine(_directory.Path, "readme.txt"), "not pinned");

        int count = PluginLock.Write(LockPath, [_directory.Path]);

        count.Should().Be(2);
        string relative = Path.GetRelativePath(_lockFolder.Path, _directory.Path);
        File.ReadAllLines(LockPath).Where(l => !l.StartsWith('#')).Should().Equal(
            $"{PluginLock.Sha256(plugin)}  {relative}/{Path.GetFileName(plugin)}",
            $"{PluginLock.Sha256(native)}  {relative}/runtimes/linux-x64/native/libhelper.so");
        PluginLock.Sha256(native).Should().Be("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
    }

    [Fact]
    public void Plugins_matching_the_lock_load()
    {
        _directory.AddTestPlugins();
        PluginLock.Write(LockPath, [_directory.Path]);

        var catalog = PluginCatalog.Load([_directory.Path], PluginLock.Load(LockPath));

        catalog.Contains("adapter", "test-adapter").Should().BeTrue();
    }

    [Fact]
    public void A_changed_plugin_file_is_refused_with_both_hashes()
    {
        string plugin = _directory.AddTestPlugins();
        PluginLock.Write(LockPath, [_directory.Path]);
        string expected = PluginLock.Sha256(plugin);
        File.AppendAllText(plugin, "tampered");

        var act = () => PluginCatalog.Load([_directory.Path], PluginLock.Load(LockPath));

        act.Should().Throw<PluginLockException>().Which.Message.Should().Be(
            $"plugin file '{plugin}' does not match {LockPath}: expected sha256 {expected}, actual {PluginLock.Sha256(plugin)}");
    }

    [Fact]
    public void An_unlisted_plugin_file_is_refused()
    {
        _directory.AddTestPlugins();
        PluginLock.Write(LockPath, [_directory.Path]);
        string extra = Path.Combine(_directory.Path, "Extra.dll");
        File.Copy(PluginDirectory.TestAssemblyPath, extra);

        var act = () => PluginCatalog.Load([_directory.Path], PluginLock.Load(LockPath));

        act.Should().Throw<PluginLockException>().WithMessage(
            $"plugin file '{extra}' is not listed in {LockPath}; refusing to load unpinned plugin files (run 'pipeline plugins --write-lock {LockPath}' to pin the files now present)");
    }

    [Fact]
    public void A_listed_file_that_was_deleted_is_refused_naming_the_file_and_the_lock()
    {
        _directory.AddTestPlugins();
        string native = Path.Combine(_directory.Path, "runtimes", "linux-x64", "native", "libhelper.so");
        Directory.CreateDirectory(Path.GetDirectoryName(native)!);
        File.WriteAllBytes(native, [1, 2, 3]);
        PluginLock.Write(LockPath, [_directory.Path]);
        File.Delete(native);

        var act = () => PluginCatalog.Load([_directory.Path], PluginLock.Load(LockPath));

        act.Should().Throw<PluginLockException>().Which.Message.Should().Be(
            $"plugin file '{native}' is listed in {LockPath} but does not exist; refusing a plugin set that differs from the lock " +
            $"(restore the file, or run 'pipeline plugins --write-lock {LockPath}' to pin the files now present)");
    }

    [Fact]
    public void A_listed_file_of_a_kind_that_is_not_pinned_is_not_missing_while_it_exists()
    {
        _directory.AddTestPlugins();
        File.WriteAllText(Path.Combine(_directory.Path, "notes.txt"), "listed by hand");
        PluginLock.Write(LockPath, [_directory.Path]);
        string relative = Path.GetRelativePath(_lockFolder.Path, _directory.Path);
        File.AppendAllText(LockPath, $"{PluginLock.Sha256(Path.Combine(_directory.Path, "notes.txt"))}  {relative}/notes.txt\n");

        var catalog = PluginCatalog.Load([_directory.Path], PluginLock.Load(LockPath));

        catalog.Contains("adapter", "test-adapter").Should().BeTrue();
    }

    [Fact]
    public void Files_listed_for_a_directory_not_searched_are_not_required()
    {
        _directory.AddTestPlugins();
        using var other = new PluginDirectory();
        other.AddGarbage("Other.dll");
        PluginLock.Write(LockPath, [_directory.Path, other.Path]);

        var catalog = PluginCatalog.Load([_directory.Path], PluginLock.Load(LockPath));

        catalog.Contains("adapter", "test-adapter").Should().BeTrue();
    }

    [Fact]
    public void Under_a_lock_plugin_assemblies_are_loaded_from_the_bytes_that_were_hashed()
    {
        _directory.AddTestPlugins();
        PluginLock.Write(LockPath, [_directory.Path]);

        var catalog = PluginCatalog.Load([_directory.Path], PluginLock.Load(LockPath));

        // An assembly loaded from bytes has no location: the file was not opened again after the check.
        catalog.Describe("adapter", "test-adapter").Factory.GetType().Assembly.Location.Should().BeEmpty();
    }

    [Fact]
    public void A_load_context_given_verified_bytes_ignores_the_file_changed_on_disk_since()
    {
        string plugin = _directory.AddTestPlugins();
        byte[] verified = File.ReadAllBytes(plugin);
        File.WriteAllBytes(plugin, [0x4d, 0x5a, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef]);

        var assembly = new PluginLoadContext(plugin, new Dictionary<string, byte[]> { [plugin] = verified }).LoadPlugin();

        assembly.GetName().Name.Should().Be(typeof(TestPlugins).Assembly.GetName().Name);
        assembly.GetType(typeof(TestPlugins.Adapter).FullName!).Should().NotBeNull();
    }

    [Fact]
    public void Without_a_lock_plugin_assemblies_are_loaded_from_their_files()
    {
        string plugin = _directory.AddTestPlugins();

        var catalog = PluginCatalog.Load([_directory.Path]);

        catalog.Describe("adapter", "test-adapter").Factory.GetType().Assembly.Location.Should().Be(plugin);
    }

    [Fact]
    public void The_built_in_folder_is_not_pinned()
    {
        File.WriteAllText(LockPath, "# pins nothing\n");

        var catalog = PluginCatalog.Load([PluginSearchPath.BuiltInDirectory], PluginLock.Load(LockPath));

        catalog.Contains("adapter", "lora").Should().BeTrue();
    }

    [Fact]
    public void A_lock_file_that_is_a_device_is_never_read_and_pins_nothing()
    {
        _directory.AddTestPlugins();

        var act = () => PluginCatalog.Load([_directory.Path], PluginLock.Load("/dev/zero"));

        act.Should().Throw<PluginLockException>().Which.Message.Should().StartWith($"plugin file '{_directory.Path}/");
    }

    [Fact]
    public void A_malformed_line_is_echoed_without_control_characters()
    {
        File.WriteAllText(LockPath, "# comment\n\u001b[31mred\u0007\n");

        var act = () => PluginLock.Load(LockPath);

        act.Should().Throw<PluginLockException>().Which.Message.Should().Be($"{LockPath}:2: expected '<sha256>  <relative path>', got '?[31mred?'");
    }

    [Theory]
    [InlineData("not a hash  Foo.dll", "{lock}:2: expected '<sha256>  <relative path>', got 'not a hash  Foo.dll'")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000  A.dll\n0000000000000000000000000000000000000000000000000000000000000000  ./A.dll",
        "{lock}:3: './A.dll' is listed twice")]
    public void A_malformed_lock_file_is_reported_at_its_line(string body, string expected)
    {
        File.WriteAllText(LockPath, "# comment\n" + body + "\n");

        var act = () => PluginLock.Load(LockPath);

        act.Should().Throw<PluginLockException>().WithMessage(expected.Replace("{lock}", LockPath));
    }
}
