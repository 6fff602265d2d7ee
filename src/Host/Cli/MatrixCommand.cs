using System.CommandLine;
using Pipeline.Host.Composition;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Matrix;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Cli;

/// <summary>
/// <c>pipeline matrix FILE</c>: validates every cell of a matrix, runs the cells (each in its own process, <c>--jobs</c>
/// at a time; finished cells skipped, interrupted ones resumed), then writes the results and compares them with a
/// baseline. <c>--index I</c> runs one cell in this process (what array tasks run); <c>--emit slurm|k8s</c> writes the
/// array job that runs every cell that way and runs nothing; <c>matrix collect DIR</c> rebuilds the results of an output
/// directory. Exit codes: 0, 1 (a cell failed), 2 (invalid matrix or cell), 3 (baseline comparison failed).
/// </summary>
public static class MatrixCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The matrix YAML (docs/MATRIX.md)." };
        var jobs = new Option<int>("--jobs") { Description = "Cells run at once, each in its own process.", DefaultValueFactory = _ => 1 };
        var only = new Option<string[]>("--only")
        {
            Description = "Run only these cells: an index, a cell name, or axis=label pairs joined by commas (repeatable).",
            HelpName = "cell", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true,
        };
        var index = new Option<int?>("--index") { Description = "Run only cell I, in this process (array tasks: $SLURM_ARRAY_TASK_ID, $JOB_COMPLETION_INDEX)." };
        var emit = new Option<string?>("--emit")
        {
            Description = "Validate every cell, write the array job that runs one cell per task (OUT/slurm/matrix.sbatch or OUT/k8s/job.yaml) and run nothing.",
            HelpName = "slurm|k8s",
        };
        emit.AcceptOnlyFromAmong("slurm", "k8s");
        var output = Output();
        var (baseline, writeBaseline) = (Baseline(), WriteBaseline());
        var plugins = CommonOptions.Plugins();
        var command = new Command("matrix",
            "Run a pipeline over every combination a matrix YAML declares, one run directory per cell, then write results.csv, results.md and report.html and compare with a baseline.")
        {
            file, jobs, only, index, emit, output, baseline, writeBaseline, plugins, CreateCollect(),
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var matrix = MatrixFile.Load(parse.GetValue(file)!, parse.GetValue(output));
            MatrixOutputLocation.Refuse(matrix, fromOption: parse.GetValue(output) is not null);
            var pluginDirectories = parse.GetValue(plugins) ?? [];
            foreach (string directory in pluginDirectories) PluginSearchPath.CommandLineDirectory(directory);
            string? mode = parse.GetValue(index) is not null ? "--index" : parse.GetValue(emit) is not null ? "--emit" : null;
            var ignored = new (string Name, bool Given)[]
            {
                ("--only", (parse.GetValue(only) ?? []).Length > 0), ("--jobs", parse.GetResult(jobs) is { Implicit: false }),
                ("--baseline", parse.GetValue(baseline) is not null), ("--write-baseline", parse.GetValue(writeBaseline) is not null),
            }.Where(o => o.Given).Select(o => o.Name).ToList();
            if (mode is not null && ignored.Count > 0)
                throw new ConfigException(mode, 0, 0, $"runs no matrix here, so {string.Join(" and ", ignored)} would be ignored; leave {(ignored.Count == 1 ? "it" : "them")} out " +
                    "(collect the results with 'pipeline matrix collect DIR', which takes --baseline and --write-baseline)");
            if (parse.GetValue(index) is int cellIndex) return RunOneCell(matrix, cellIndex, pluginDirectories);
            if (parse.GetValue(emit) is string scheduler) return EmitArrayJob(matrix, scheduler, pluginDirectories);

            if (parse.GetValue(jobs) < 1) throw new ConfigException("--jobs", 0, 0, $"must be at least 1, got {parse.GetValue(jobs)}");
            var selected = CellSelector.Select(matrix, parse.GetValue(only) ?? []);
            // A baseline that cannot be read is found now, not after every cell has trained.
            if (parse.GetValue(baseline) is string given) ReadableBaseline(given);
            if (parse.GetValue(writeBaseline) is string target) WritableBaseline(target);
            var fingerprints = MatrixValidator.Validate(matrix, pluginDirectories);
            Console.WriteLine($"{matrix.Path}: {matrix.Cells.Count} cells valid; output in {matrix.OutputDirectory}");
            MatrixManifest.Of(matrix, fingerprints).Write(matrix.OutputDirectory);
            MatrixLocalRunner.Run(matrix, selected, fingerprints, parse.GetValue(jobs), pluginDirectories, Console.WriteLine);
            var names = (parse.GetValue(only) ?? []).Length > 0 ? selected.Select(c => c.Name).ToHashSet() : null;
            var outcome = MatrixOutcome.Finish(matrix.OutputDirectory, names, parse.GetValue(baseline), parse.GetValue(writeBaseline), Console.WriteLine);
            return ExitCode(outcome, names);
        }, Console.Error));
        return command;
    }

    private static Command CreateCollect()
    {
        var directory = new Argument<string>("dir") { Description = "A matrix's output directory (holding matrix.json and cells/)." };
        var (baseline, writeBaseline) = (Baseline(), WriteBaseline());
        var command = new Command("collect",
            "Build the results (results.csv, results.md, report.html) of a matrix output directory whose cells ran elsewhere (Slurm, Kubernetes), and compare with a baseline.")
        {
            directory, baseline, writeBaseline,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            string dir = Path.GetFullPath(parse.GetValue(directory)!);
            if (!File.Exists(Path.Combine(dir, MatrixManifest.FileName)))
                throw new ConfigException("matrix collect", 0, 0, $"'{dir}' is not a matrix output directory: it has no {MatrixManifest.FileName} " +
                    "(written when a matrix runs or emits an array job); name the matrix's output_dir");
            if (parse.GetValue(baseline) is string given) ReadableBaseline(given);
            MatrixOutputLocation.RefuseCollect(dir);
            if (parse.GetValue(writeBaseline) is string target) WritableBaseline(target);
            var outcome = MatrixOutcome.Finish(dir, null, parse.GetValue(baseline), parse.GetValue(writeBaseline), Console.WriteLine);
            return ExitCode(outcome, null);
        }, Console.Error));
        return command;
    }

    private static int RunOneCell(MatrixDefinition matrix, int cellIndex, IReadOnlyList<string> pluginDirectories)
    {
        if (cellIndex < 0 || cellIndex >= matrix.Cells.Count)
            throw new ConfigException("--index", 0, 0, $"{cellIndex} is not a cell of the matrix: it has {matrix.Cells.Count} cells (0 to {matrix.Cells.Count - 1})");
        // The run or --emit that started this task wrote the manifest after validating every cell; a task started by
        // hand without one validates the whole matrix and writes it, so collect can still read the folder.
        if (!File.Exists(Path.Combine(matrix.OutputDirectory, MatrixManifest.FileName)))
            MatrixManifest.Of(matrix, MatrixValidator.Validate(matrix, pluginDirectories)).Write(matrix.OutputDirectory);
        return MatrixCellRunner.Run(matrix, cellIndex, pluginDirectories, Console.WriteLine) ? 0 : CommandErrors.RunError;
    }

    private static int EmitArrayJob(MatrixDefinition matrix, string scheduler, IReadOnlyList<string> pluginDirectories)
    {
        if (scheduler == "k8s" && string.IsNullOrWhiteSpace(matrix.Config.K8s.Image))
        {
            var k8s = matrix.Document.Root.Children.TryGetValue(new YamlScalarNode("k8s"), out var node) ? node : matrix.Document.Root;
            throw matrix.Document.ErrorAt(k8s, "k8s.image: must name the container image that holds Pipeline to emit a Kubernetes Job");
        }
        MatrixManifest.Of(matrix, MatrixValidator.Validate(matrix, pluginDirectories)).Write(matrix.OutputDirectory);
        // Plugin directories of this machine mean nothing in a container image: the Job runs with the image's plugins.
        var written = scheduler == "slurm" ? SlurmScriptWriter.Write(matrix.Plan, pluginDirectories) : KubernetesJobWriter.Write(matrix.Plan);
        Console.WriteLine($"{matrix.Path}: {matrix.Cells.Count} cells valid; wrote {written.Path}");
        Console.WriteLine($"submit:  {written.SubmitCommand}");
        Console.WriteLine($"collect: {written.CollectCommand}   (once every task has ended)");
        return 0;
    }

    /// <summary>Reads the baseline once to refuse a missing or broken file as a usage error (exit 2) before anything runs.</summary>
    private static void ReadableBaseline(string path)
    {
        try
        {
            BaselineFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException("--baseline", 0, 0, e.Message);
        }
    }

    /// <summary>Refuses a <c>--write-baseline</c> target that cannot be written (a folder, a missing or read-only folder) before anything runs.</summary>
    private static void WritableBaseline(string path)
    {
        if (Pipeline.Host.IO.WritableLocation.FileProblem(path) is string problem)
            throw new ConfigException("--write-baseline", 0, 0, $"'{path}' {problem}");
    }

    private static int ExitCode(MatrixOutcome.Outcome outcome, IReadOnlyCollection<string>? selected)
    {
        if (outcome.BaselineFailed) return CommandErrors.BaselineFailed;
        return outcome.Unfinished(selected).Count > 0 ? CommandErrors.RunError : 0;
    }

    private static Option<string?> Output() => new("--output") { Description = "Use this output directory instead of the matrix's output_dir.", HelpName = "dir" };

    private static Option<string?> Baseline() => new("--baseline")
    {
        Description = "Compare the results with this baseline under the matrix's metric tolerances; a regression exits with code 3.", HelpName = "file",
    };

    private static Option<string?> WriteBaseline() => new("--write-baseline") { Description = "Store the results as a baseline in this file.", HelpName = "file" };
}
