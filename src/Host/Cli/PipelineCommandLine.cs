using System.CommandLine;

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
            ParamsCommand.Create(),
            ExportCommand.Create(),
            EvalCommand.Create(),
            PlotCommand.Create(),
            MatrixCommand.Create(),
        };
}
