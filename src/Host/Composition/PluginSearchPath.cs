using Pipeline.Host.Config.Binding;

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
    /// <exception cref="ConfigException">An explicitly given directory does not exist or is a file (see <see cref="CommandLineDirectory"/>).</exception>
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
            string full = CommandLineDirectory(given);
            if (!directories.Contains(full)) directories.Add(full);
        }
        return directories;
    }

    /// <summary>
    /// The full path of a directory given with <c>--plugins</c> (relative to the working directory); every command
    /// checks it here, so a bad one is the same configuration error (exit code 2) everywhere.
    /// </summary>
    /// <exception cref="ConfigException">
    /// The directory is empty text, does not exist or is a file: <c>--plugins: plugin directory 'DIR' does not exist</c>.
    /// </exception>
    public static string CommandLineDirectory(string given)
    {
        if (string.IsNullOrWhiteSpace(given)) throw Problem("a plugin directory is empty; name a directory");
        string full;
        try
        {
            full = Path.GetFullPath(given);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Problem($"plugin directory '{given}' is not a valid path ({e.Message})");
        }
        if (File.Exists(full)) throw Problem($"plugin directory '{given}' is a file, not a directory");
        if (!Directory.Exists(full)) throw Problem($"plugin directory '{given}' does not exist");
        return full;
    }

    private static ConfigException Problem(string text) => new(new ConfigProblem("--plugins", 0, 0, text));
}
