using System.CommandLine;
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
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the run in run.output_dir from its latest checkpoint (the configuration must be the one it was started with).",
        };
        var command = new Command("train", "Train the pipeline a YAML file declares, stage by stage; metrics and checkpoints go to run.output_dir.")
        {
            file, set, plugins, resume,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var definition = PipelineLoader.Load(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(plugins) ?? []);
            var result = PipelineRunner.Train(definition, line => Console.WriteLine(line), parse.GetValue(resume));
            foreach (var stage in result.Stages.Where(s => s.Evaluation is not null))
            {
                var evaluation = stage.Evaluation!;
                Console.WriteLine($"{stage.Stage}: held-out accuracy {evaluation.Accuracy:P1} over {evaluation.Samples} samples (" +
                    string.Join(", ", evaluation.AccuracyByCategory.Select(kv => $"{kv.Key} {kv.Value:P1}")) + ")");
            }
            return 0;
        }, Console.Error));
        return command;
    }
}
