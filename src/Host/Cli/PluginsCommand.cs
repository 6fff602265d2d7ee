using System.CommandLine;
using Pipeline.Host.Composition;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline plugins</c>: the table of discovered plugins and any load problems. <c>--write-lock FILE</c> first pins
/// the plugin files of the searched directories in a lock file; <c>--lock FILE</c> checks them against one.
/// </summary>
public static class PluginsCommand
{
    public static Command Create()
    {
        var plugins = CommonOptions.Plugins();
        var writeLock = new Option<string?>("--write-lock")
        {
            Description = "Write a plugin lock file pinning the SHA-256 of every plugin file in the searched directories " +
                          "(except the built-in folder), then list the plugins with it in force.",
            HelpName = "file",
        };
        var checkLock = new Option<string?>("--lock") { Description = "Check the plugin files against this lock file before listing them.", HelpName = "file" };
        var command = new Command("plugins", "List discovered plugins (kind, name, version, assembly) and plugins that failed to load.")
        {
            plugins, writeLock, checkLock,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var directories = PluginSearchPath.Resolve(parse.GetValue(plugins) ?? []);
            string? lockPath = parse.GetValue(checkLock);
            if (parse.GetValue(writeLock) is { } written)
            {
                int count = PluginLock.Write(written, directories);
                Console.WriteLine($"wrote {written}: {count} plugin file{(count == 1 ? "" : "s")} pinned");
                lockPath = written;
            }
            var catalog = PluginCatalog.Load(directories, lockPath is null ? null : PluginLock.Load(lockPath));
            Console.Write(PluginTable.Render(catalog));
            return 0;
        }, Console.Error));
        return command;
    }
}
