namespace Pipeline.Host.Tests.Config.Binding;

/// <summary>A temporary directory for the YAML files one test writes; deleted on dispose.</summary>
internal sealed class TempConfigDirectory : IDisposable
{
    public TempConfigDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "pipeline-binding-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes <paramref name="yaml"/> (with '\n' line ends) and returns the file's path.</summary>
    public string Write(string yaml, string name = "config.yaml")
    {
        string path = Path.Combine(Root, name);
        File.WriteAllText(path, yaml.ReplaceLineEndings("\n"));
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
