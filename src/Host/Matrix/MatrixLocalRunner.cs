using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Runs a matrix's cells on this machine, each in its own process (<c>pipeline matrix FILE --index I</c>, the command an
/// array task runs), at most <c>jobs</c> at a time, so a cell that fails, even by crashing, leaves the others running.
/// A cell's output goes to <c>train.log</c> in its run directory; finished cells with an unchanged configuration are
/// skipped without starting a process.
/// </summary>
public static class MatrixLocalRunner
{
    /// <summary>Lines of a crashed cell's <c>train.log</c> quoted in its recorded error.</summary>
    public const int LogLinesInError = 5;

    /// <summary>Runs <paramref name="cells"/> of <paramref name="matrix"/>; <paramref name="fingerprints"/> are the validated cells' configuration fingerprints.</summary>
    public static void Run(MatrixDefinition matrix, IReadOnlyList<MatrixCell> cells, IReadOnlyDictionary<int, string> fingerprints, int jobs,
        IReadOnlyList<string> pluginDirectories, Action<string> log)
    {
        int done = 0;
        object gate = new();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) };
        Parallel.ForEach(cells, options, cell =>
        {
            string line = RunCell(matrix, cell, fingerprints[cell.Index], pluginDirectories, log);
            lock (gate) log($"[{++done}/{cells.Count}] {line}");
        });
    }

    private static string RunCell(MatrixDefinition matrix, MatrixCell cell, string fingerprint, IReadOnlyList<string> pluginDirectories, Action<string> log)
    {
        string directory = cell.RunDirectory(matrix.OutputDirectory);
        var previous = CellRecord.Read(directory);
        if (previous is { Status: CellStatus.Finished } && previous.Fingerprint == fingerprint) return $"{cell.Name}: finished earlier; skipped";
        if (previous is { Status: CellStatus.Finished })
            return $"{cell.Name}: FAILED: {MatrixResultsReader.StaleError(directory, previous.Fingerprint, fingerprint)}";

        if (CellLock.IsHeld(directory)) return $"{cell.Name}: not run: {CellLock.Busy(cell.Name, directory)}";
        Directory.CreateDirectory(directory);
        string logPath = Path.Combine(directory, "train.log");
        log($"{cell.Name}: {(previous is null ? "started" : "started again")} (output in {logPath})");
        var clock = Stopwatch.StartNew();
        int exitCode = Start(matrix, cell, pluginDirectories, logPath);
        var record = CellRecord.Read(directory);
        if (exitCode != 0 && CellLock.IsHeld(directory)) return $"{cell.Name}: not run: {CellLock.Busy(cell.Name, directory)}";
        if (record is null || record.Status is CellStatus.Interrupted or CellStatus.NotStarted)
        {
            // The process ended without recording how: killed, crashed in native code, or failed before it could write.
            string error = $"the cell's process exited with code {exitCode} without recording a result; the end of {logPath}: {Tail(logPath)}";
            record = (record ?? new CellRecord { Index = cell.Index, Name = cell.Name, Fingerprint = fingerprint, StartedUtc = DateTime.UtcNow })
                .With(CellStatus.Failed, error);
            record.Write(directory);
        }
        string seconds = clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
        return exitCode == 0 && record.Status == CellStatus.Finished
            ? $"{cell.Name}: finished in {seconds} s{Accuracy(directory)}"
            : $"{cell.Name}: FAILED after {seconds} s: {record.Error ?? $"exit code {exitCode}"}";
    }

    private static int Start(MatrixDefinition matrix, MatrixCell cell, IReadOnlyList<string> pluginDirectories, string logPath)
    {
        var launcher = PipelineLauncher.Command();
        var start = new ProcessStartInfo(launcher[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in launcher.Skip(1)) start.ArgumentList.Add(argument);
        foreach (string argument in CellArguments(matrix, cell.Index, pluginDirectories)) start.ArgumentList.Add(argument);
        using var output = new StreamWriter(logPath, append: true) { AutoFlush = true };
        object gate = new();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The arguments after the launcher that run one cell: <c>matrix FILE --index I --output DIR [--plugins DIR]...</c>.</summary>
    public static IReadOnlyList<string> CellArguments(MatrixDefinition matrix, int index, IReadOnlyList<string> pluginDirectories)
    {
        var arguments = new List<string>
        {
            "matrix", Path.GetFullPath(matrix.Path), "--index", index.ToString(CultureInfo.InvariantCulture), "--output", matrix.OutputDirectory,
        };
        foreach (string directory in pluginDirectories) arguments.AddRange(["--plugins", Path.GetFullPath(directory)]);
        return arguments;
    }

    private static string Accuracy(string directory)
    {
        var metrics = MatrixResultsReader.MetricsOf(directory);
        return metrics.TryGetValue(MatrixMetrics.Accuracy, out double accuracy)
            ? $" (held-out accuracy {accuracy.ToString("P1", CultureInfo.InvariantCulture)})"
            : "";
    }

    private static string Tail(string path)
    {
        try
        {
            var lines = File.ReadLines(path).Where(l => l.Trim().Length > 0).TakeLast(LogLinesInError).ToList();
            return lines.Count == 0 ? "(empty)" : string.Join(" | ", lines);
        }
        catch (IOException)
        {
            return "(unreadable)";
        }
    }
}
