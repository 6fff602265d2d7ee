namespace Pipeline.Host.Composition;

/// <summary>
/// The host's ordered list of plugin directories: built-in plugins first, then the working directory's
/// <c>plugins/</c> folder, then the directories the user names (YAML <c>plugins:</c> or <c>--plugins DIR</c>).
/// Earlier directories win when two plugins share a kind and name.
/// </summary>
public static class PluginSearchPath
{
    /// <summary>Where the build copies the built-in plugins: <c>&lt;AppContext.BaseDirectory&gt;/plugins</c>.</summary>
    public static string BuiltInDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The working directory's <c>plugins/</c> folder, where third-party plugins are dropped.</summary>
    public static string WorkingDirectoryPlugins => Path.Combine(Environment.CurrentDirectory, "plugins");

    /// <summary>
    /// Returns the directories to scan: <see cref="BuiltInDirectory"/> and <see cref="WorkingDirectoryPlugins"/>
    /// when they exist (they are optional), then every directory in <paramref name="explicitDirectories"/>
    /// (relative paths are taken from the working directory). Duplicates are listed once, at their first place.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">An explicitly given directory does not exist; the message names it.</exception>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> explicitDirectories)
    {
        var directories = new List<string>();
        foreach (string optional in new[] { BuiltInDirectory, WorkingDirectoryPlugins })
        {
            string full = Path.GetFullPath(optional);
            if (Directory.Exists(full) && !directories.Contains(full)) directories.Add(full);
        }
        foreach (string given in explicitDirectories)
        {
            string full = Path.GetFullPath(given);
            if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"plugin directory '{given}' does not exist");
            if (!directories.Contains(full)) directories.Add(full);
        }
        return directories;
    }
}
