using System.CommandLine;
using Pipeline.Contracts.Composition;
using Pipeline.Host.Composition;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Conformance;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline check-plugin NAME</c>: runs the adapter conformance kit (<see cref="AdapterConformance"/>) on the adapter
/// plugin NAME in a tiny model and prints one row per check. Exits 0 when every applicable check passes, 1 when one
/// fails, 2 for an unknown plugin or options that do not bind.
/// </summary>
public static class CheckPluginCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The adapter plugin to check (its name in 'pipeline plugins')." };
        var plugins = CommonOptions.Plugins();
        var options = new Option<string?>("--options")
        {
            Description = "The adapter's options as a YAML flow mapping, e.g. \"{ rank: 4, targets: { llm: [q_proj] } }\"; the plugin's defaults when omitted.",
            HelpName = "yaml",
        };
        var command = new Command("check-plugin", "Run the conformance kit on an adapter plugin: identity at initialisation, devices, seeding, " +
                                                  "state-dict names, merge, export, training and tensor leaks, in a tiny model.")
        {
            name, plugins, options,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            string plugin = parse.GetValue(name)!;
            string[] directories = parse.GetValue(plugins) ?? [];
            var catalog = PluginCatalog.Load(PluginSearchPath.Resolve(directories));
            if (!catalog.Contains(PluginKind.Adapter, plugin))
                throw new UnknownPluginException(PluginKind.Adapter, plugin, catalog.Names(PluginKind.Adapter));
            using var pipeline = OptionsChecked(() => ConformancePipeline.Create(plugin, parse.GetValue(options), directories));
            using var kit = OptionsChecked(() => new AdapterConformance(pipeline.Definition));
            var results = kit.RunAll();
            Console.Write(ConformanceTable.Render(plugin, results));
            return results.All(r => r.Succeeded) ? 0 : CommandErrors.RunError;
        }, Console.Error));
        return command;
    }

    /// <summary>Runs <paramref name="create"/>; a configuration problem (options that do not bind or validate, a target that matches nothing) is reported against <c>--options</c>, not the kit's temporary YAML file.</summary>
    private static T OptionsChecked<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ConfigException e)
        {
            throw new ConfigException(e.Problems.Select(p => new ConfigProblem("--options", 0, 0, p.Text)).ToList());
        }
    }
}
