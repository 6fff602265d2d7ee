namespace Pipeline.Host.Tests.Composition;

/// <summary>A temporary plugin directory for one test, deleted afterwards.</summary>
public sealed class PluginDirectory : IDisposable
{
    public PluginDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-plugins-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The path of this test assembly (which exports <see cref="TestPlugins"/>).</summary>
    public static string TestAssemblyPath => typeof(TestPlugins).Assembly.Location;

    /// <summary>Copies this test assembly here and returns the copy's path.</summary>
    public string AddTestPlugins() => AddCopyOf(TestAssemblyPath);

    /// <summary>Copies <paramref name="file"/> here and returns the copy's path.</summary>
    public string AddCopyOf(string file)
    {
        string target = System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file));
        File.Copy(file, target);
        return target;
    }

    /// <summary>Writes a file of <paramref name="name"/> that is not an assembly and returns its path.</summary>
    public string AddGarbage(string name)
    {
        string target = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(target, [0x4d, 0x5a, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x13, 0x37]);
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
