using System.Text;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes the Slurm array job of a matrix (<c>pipeline matrix FILE --emit slurm</c>): <c>OUT/slurm/matrix.sbatch</c>,
/// one array task per cell, task <c>I</c> running <c>pipeline matrix FILE --index I --output OUT</c> with absolute paths,
/// and each task's output in <c>OUT/slurm/logs/JOB_TASK.out</c>.
/// </summary>
/// <remarks>
/// The script sets no thread count: the pipeline's <c>run.threads</c> governs TorchSharp's threads (0 keeps libtorch's
/// default, every core the task can see), and <c>--cpus-per-task</c> only reserves cores. On nodes shared by several
/// tasks set <c>run.threads</c> to <c>cpus_per_task</c>, or export <c>OMP_NUM_THREADS</c> in <c>setup</c>.
/// </remarks>
public static class SlurmScriptWriter
{
    /// <summary>Where the script goes: <c>OUT/slurm/matrix.sbatch</c>.</summary>
    public static string ScriptPath(string outputDirectory) => Path.Combine(outputDirectory, "slurm", "matrix.sbatch");

    /// <summary>Where the tasks' output goes: <c>OUT/slurm/logs</c>, one <c>JOB_TASK.out</c> per task.</summary>
    public static string LogDirectory(string outputDirectory) => Path.Combine(outputDirectory, "slurm", "logs");

    /// <summary>The command that starts Pipeline on the nodes: <c>slurm.command</c>, else this host's own (<see cref="PipelineLauncher.Command"/>).</summary>
    public static IReadOnlyList<string> Launcher(SlurmOptions options) => options.Command.Count > 0 ? options.Command : PipelineLauncher.Command();

    /// <summary>Writes the script and creates its log directory; returns the script and the commands to submit and collect it.</summary>
    /// <param name="plan">The validated matrix.</param>
    /// <param name="pluginDirectories">Extra plugin directories (<c>--plugins</c>) the tasks pass on, as given to <c>--emit</c>.</param>
    public static ArrayJobFile Write(MatrixPlan plan, IReadOnlyList<string>? pluginDirectories = null)
    {
        var launcher = Launcher(plan.Slurm);
        string output = Path.GetFullPath(plan.OutputDirectory);
        string path = ScriptPath(output);
        string text = Script(plan, launcher, pluginDirectories);
        Directory.CreateDirectory(LogDirectory(output));
        File.WriteAllText(path, text);
        return new ArrayJobFile(path, SubmitCommand(path), CollectCommand(launcher, output));
    }

    /// <summary>
    /// The script's text for <paramref name="plan"/>, starting Pipeline with <paramref name="launcher"/> and passing
    /// each of <paramref name="pluginDirectories"/> (made absolute) as <c>--plugins DIR</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The matrix has no cell, its output directory holds a backslash (Slurm's file patterns cannot express one), or a path holds a line break.</exception>
    public static string Script(MatrixPlan plan, IReadOnlyList<string> launcher, IReadOnlyList<string>? pluginDirectories = null)
    {
        if (plan.Cells.Count == 0) throw new InvalidOperationException("the matrix has no cell to run");
        if (launcher.Count == 0) throw new InvalidOperationException("slurm.command must name at least the program");
        string output = Path.GetFullPath(plan.OutputDirectory);
        // A backslash in --output turns off Slurm's %A/%a patterns and is then dropped from the name.
        if (output.Contains('\\')) throw new InvalidOperationException($"the output directory '{output}' holds a backslash, which a Slurm output file name cannot hold");
        string matrixFile = Path.GetFullPath(plan.MatrixFile);
        foreach (string path in new[] { output, matrixFile })
        {
            if (path.IndexOfAny(['\n', '\r']) >= 0) throw new InvalidOperationException($"the path '{path}' holds a line break, which a Slurm script cannot hold");
        }
        string scriptPath = ScriptPath(output);
        var options = plan.Slurm;

        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append($"# Pipeline matrix '{Path.GetFileNameWithoutExtension(plan.MatrixFile)}' as a Slurm array job: {plan.Cells.Count} cells, task I runs cell I\n");
        text.Append($"# into {Path.Combine(output, "cells")}/<cell>/ (a rerun resumes a cell from its checkpoint and skips a finished one).\n");
        text.Append("# Written by 'pipeline matrix --emit slurm'. Threads: the pipeline's run.threads sets them; --cpus-per-task only reserves cores.\n");
        text.Append($"# Submit:  {SubmitCommand(scriptPath)}\n");
        text.Append($"# Collect: {CollectCommand(launcher, output)}   (once every task has ended)\n");
        foreach (string directive in Directives(plan, output)) text.Append($"#SBATCH {directive}\n");
        text.Append('\n');
        text.Append("set -eo pipefail\n");
        foreach (string line in options.Setup) text.Append(line).Append('\n');
        string plugins = string.Concat((pluginDirectories ?? []).Select(d => $" --plugins {ShellQuoting.Bash(Path.GetFullPath(d))}"));
        text.Append($"exec {ShellQuoting.Bash(launcher)} matrix {ShellQuoting.Bash(matrixFile)} --index \"$SLURM_ARRAY_TASK_ID\" --output {ShellQuoting.Bash(output)}{plugins}\n");
        return text.ToString();
    }

    private static IEnumerable<string> Directives(MatrixPlan plan, string output)
    {
        var options = plan.Slurm;
        yield return $"--job-name={ShellQuoting.SbatchValue(options.JobName)}";
        string array = $"0-{plan.Cells.Count - 1}" + (options.Parallelism > 0 ? $"%{options.Parallelism}" : "");
        yield return $"--array={array}";
        // '%' is Slurm's pattern character: a literal one in the directory is written '%%'.
        string logs = LogDirectory(output).Replace("%", "%%");
        yield return $"--output={ShellQuoting.SbatchValue(Path.Combine(logs, "%A_%a.out"))}";
        yield return $"--cpus-per-task={options.CpusPerTask}";
        if (options.Partition.Length > 0) yield return $"--partition={ShellQuoting.SbatchValue(options.Partition)}";
        if (options.Account.Length > 0) yield return $"--account={ShellQuoting.SbatchValue(options.Account)}";
        if (options.Time.Length > 0) yield return $"--time={ShellQuoting.SbatchValue(options.Time)}";
        if (options.Memory.Length > 0) yield return $"--mem={ShellQuoting.SbatchValue(options.Memory)}";
        if (options.Gpus > 0) yield return $"--gres=gpu:{options.Gpus}";
        foreach (string extra in options.ExtraDirectives) yield return extra;
    }

    private static string SubmitCommand(string scriptPath) => $"sbatch {ShellQuoting.Bash(scriptPath)}";

    private static string CollectCommand(IReadOnlyList<string> launcher, string output) =>
        $"{ShellQuoting.Bash(launcher)} matrix collect {ShellQuoting.Bash(output)}";
}
