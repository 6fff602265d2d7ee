using System.CommandLine;
using Pipeline.Host.Composition;

namespace Pipeline.Host.Cli;

/// <summary><c>pipeline plugins</c>: the table of discovered plugins and any load problems.</summary>
public static class PluginsCommand
{
    public static Command Create()
    {
        var plugins = CommonOptions.Plugins();
        var command = new Command("plugins", "List discovered plugins (kind, name, version, assembly) and plugins that failed to load.") { plugins };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var catalog = PluginCatalog.Load(PluginSearchPath.Resolve(parse.GetValue(plugins) ?? []));
            Console.Write(PluginTable.Render(catalog));
            return 0;
        }, Console.Error));
        return command;
    }
}
