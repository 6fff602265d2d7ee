using System.CommandLine;

namespace Pipeline.Host.Cli;

/// <summary>Arguments and options several commands share.</summary>
public static class CommonOptions
{
    public static Argument<string> ConfigFile() => new("file") { Description = "The pipeline YAML file." };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a key of the YAML: --set stages.0.steps=10, --set model.adapters.0.options.rank=4 (repeatable).",
        HelpName = "key=value",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string[]> Plugins() => new("--plugins")
    {
        Description = "An extra directory of plugin assemblies (repeatable), searched after the built-in and ./plugins folders.",
        HelpName = "dir",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };
}
