using System.CommandLine;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.IO;
using Pipeline.Host.Reporting;

namespace Pipeline.Host.Cli;

/// <summary><c>pipeline plot RUN</c>: draws the PNG charts of a run from its <c>metrics.jsonl</c>.</summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run's output directory (run.output_dir, holding metrics.jsonl) or a metrics .jsonl file." };
        var output = new Option<string?>("--out") { Description = "Where to write the PNG files (default: beside metrics.jsonl).", HelpName = "dir" };
        var command = new Command("plot",
            "Draw PNG charts from a run's metrics.jsonl: loss, held-out accuracy, learning rates and schedule values (kappa, multipliers).")
        {
            run, output,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            string given = parse.GetValue(run)!;
            string metrics = Directory.Exists(given) ? Path.Combine(given, "metrics.jsonl") : given;
            string folder = parse.GetValue(output) ?? Path.GetDirectoryName(Path.GetFullPath(metrics))!;
            if (WritableLocation.FolderProblem(folder) is string problem)
                throw new ConfigException(parse.GetValue(output) is null
                    ? new ConfigProblem("plot", 0, 0, $"'{Path.GetFullPath(folder)}' (beside the metrics file, where the charts go) {problem}; nothing was drawn. Choose a folder with --out")
                    : new ConfigProblem("--out", 0, 0, $"'{Path.GetFullPath(folder)}' {problem}; nothing was drawn. Choose another --out"));
            var log = MetricsLog.Read(metrics);
            var written = MetricsPlotter.Write(log, folder);
            if (log.SkippedLines > 0) Console.Error.WriteLine($"warning: skipped {log.SkippedLines} lines of '{metrics}' that are not metrics records");
            if (written.Count == 0) Console.WriteLine($"no plots: '{metrics}' has no training, evaluation or schedule values");
            foreach (string path in written) Console.WriteLine(path);
            return 0;
        }, Console.Error));
        return command;
    }

    /// <summary>
    /// Draws the charts of a finished run beside its metrics and says where they are. Plotting is a convenience: a
    /// failure is a warning on standard error, never a failed run.
    /// </summary>
    public static void WriteAfterTraining(string outputDirectory, Action<string> log)
    {
        try
        {
            var written = MetricsPlotter.Write(Path.Combine(outputDirectory, "metrics.jsonl"), outputDirectory);
            if (written.Count > 0) log($"plots: {string.Join(", ", written.Select(Path.GetFileName))} in {outputDirectory}");
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"warning: no plots drawn: {e.GetType().Name}: {e.Message}");
        }
    }
}
