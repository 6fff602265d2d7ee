using System.CommandLine;
using Pipeline.Host.Cli.Progress;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Cli;

/// <summary><c>pipeline train FILE</c>: runs every stage of the pipeline.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var file = CommonOptions.ConfigFile();
        var set = CommonOptions.Set();
        var plugins = CommonOptions.Plugins();
        var plain = ProgressOptions.Plain();
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the run in run.output_dir from its latest checkpoint (the configuration must be the one it was started with).",
        };
        var command = new Command("train",
            "Train the pipeline a YAML file declares, stage by stage; metrics.jsonl, TensorBoard event files, summary.json, checkpoints and PNG charts go to run.output_dir.")
        {
            file, set, plugins, plain, resume,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var definition = PipelineLoader.Load(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(plugins) ?? []);
            var reporter = TrainingReporters.Create(parse.GetValue(plain), definition.Config.Run.LogEvery);
            var result = reporter.Run(() => PipelineRunner.Train(definition, reporter, parse.GetValue(resume)));
            reporter.RunFinished(result.Stages);
            PlotCommand.WriteAfterTraining(result.OutputDirectory, reporter.Message);
            return 0;
        }, Console.Error));
        return command;
    }
}
