using System.CommandLine;
using System.CommandLine.Invocation;

namespace Pipeline.Host.Cli;

/// <summary>The <c>pipeline</c> command line.</summary>
public static class PipelineCommandLine
{
    public static RootCommand Create() =>
        new("Pipeline: parameter-efficient multimodal instruction tuning with plugins, on TorchSharp.")
        {
            TrainCommand.Create(),
            ValidateCommand.Create(),
            PluginsCommand.Create(),
            CheckPluginCommand.Create(),
            ParamsCommand.Create(),
            ExportCommand.Create(),
            EvalCommand.Create(),
            PlotCommand.Create(),
            MatrixCommand.Create(),
        };

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. A command line that does not parse (an unknown option or
    /// command, a missing argument, a value of the wrong type such as <c>--jobs x</c>) prints System.CommandLine's
    /// messages on standard error and the command's help on standard output, and exits with
    /// <see cref="CommandErrors.UsageError"/>; otherwise the command's own exit code is returned.
    /// </summary>
    public static int Run(string[] args)
    {
        ParseResult parse = Create().Parse(args);
        int exitCode = parse.Invoke();
        return parse.Action is ParseErrorAction ? CommandErrors.UsageError : exitCode;
    }
}
