using System.CommandLine;
using System.Globalization;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using Spectre.Console;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline eval FILE [--checkpoint PATH]</c>: builds the pipeline's model, loads a checkpoint's weights, and prints
/// held-out exact-match accuracy per category and overall; the result is appended to <c>{output_dir}/eval.jsonl</c>.
/// </summary>
public static class EvalCommand
{
    /// <summary>The file, in the run's output directory, that each evaluation appends a record to.</summary>
    public const string RecordFileName = "eval.jsonl";

    public static Command Create()
    {
        var file = CommonOptions.ConfigFile();
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "A checkpoint directory (holding model.safetensors), or a run's output directory or checkpoints/ folder, " +
                          "whose 'latest' file names one. Default: the YAML's run.output_dir.",
            HelpName = "path",
        };
        var set = CommonOptions.Set();
        var plugins = CommonOptions.Plugins();
        var command = new Command("eval",
            "Evaluate a checkpoint on the eval split: exact-match accuracy per category and overall, also appended to run.output_dir/eval.jsonl.")
        {
            file, checkpoint, set, plugins,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var definition = PipelineLoader.Load(parse.GetValue(file)!, parse.GetValue(set) ?? [], parse.GetValue(plugins) ?? []);
            OutputLocations.CheckEvaluation(definition, RecordFileName);
            var result = CheckpointEvaluation.Run(definition, parse.GetValue(checkpoint) ?? definition.OutputDirectory);
            Print(result, definition);
            string records = Path.Combine(definition.OutputDirectory, RecordFileName);
            using (var writer = new MetricsWriter(records)) writer.Write(result.Record());
            Console.WriteLine($"record appended to {records}");
            return 0;
        }, Console.Error));
        return command;
    }

    private static void Print(CheckpointEvaluation result, PipelineDefinition definition)
    {
        var weights = result.Weights;
        Console.WriteLine($"checkpoint {result.CheckpointDirectory}: {weights.Loaded.Count} tensors loaded" +
            (weights.Missing.Count > 0 ? $"; {weights.Missing.Count} model entries not in it keep their initial values (seed {definition.Config.Run.Seed})" : ""));
        var evaluation = result.Evaluation;
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("category")
            .AddColumn(new TableColumn("samples").RightAligned())
            .AddColumn(new TableColumn("correct").RightAligned())
            .AddColumn(new TableColumn("exact match").RightAligned());
        foreach (var (category, accuracy) in evaluation.AccuracyByCategory)
        {
            int samples = result.SamplesByCategory[category];
            table.AddRow(Markup.Escape(category), Count(samples), Count((int)Math.Round(accuracy * samples)), Percent(accuracy));
        }
        table.AddRow("[bold]overall[/]", Count(evaluation.Samples), Count((int)Math.Round(evaluation.Accuracy * evaluation.Samples)),
            $"[bold]{Percent(evaluation.Accuracy)}[/]");
        Terminal.Create().Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"answer-token loss {evaluation.Loss:F4}"));
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
