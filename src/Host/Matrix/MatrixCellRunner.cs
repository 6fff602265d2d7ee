using Pipeline.Host.Checkpoints;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Reporting;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Runs one cell in this process (<c>pipeline matrix FILE --index I</c>, what every local child, Slurm task and
/// Kubernetes pod runs): skips a cell that finished with the same configuration, resumes one that has a checkpoint,
/// otherwise trains it from the start; <c>cell.json</c> records the attempt and how it ended.
/// </summary>
public static class MatrixCellRunner
{
    /// <summary>Runs cell <paramref name="index"/>; returns whether it is finished. A failure is recorded and logged, not thrown.</summary>
    public static bool Run(MatrixDefinition matrix, int index, IEnumerable<string>? pluginDirectories, Action<string> log)
    {
        var cell = matrix.Cells[index];
        string directory = cell.RunDirectory(matrix.OutputDirectory);
        var previous = CellRecord.Read(directory);
        PipelineDefinition definition;
        try
        {
            definition = MatrixCellPipeline.Load(matrix, index, pluginDirectories);
        }
        catch (Exception e) when (previous?.Status != CellStatus.Finished)
        {
            // Recorded so that collect shows why an array task's cell never trained.
            new CellRecord { Index = index, Name = cell.Name, Attempts = (previous?.Attempts ?? 0) + 1, StartedUtc = DateTime.UtcNow }
                .With(CellStatus.Failed, e.Message).Write(directory);
            throw;
        }
        string fingerprint = CellFingerprint.Of(definition);
        using var cellLock = CellLock.TryTake(directory);
        if (cellLock is null)
        {
            log($"error: {CellLock.Busy(cell.Name, directory)}");
            return false;
        }
        previous = CellRecord.Read(directory);
        if (previous?.Status == CellStatus.Finished)
        {
            if (previous.Fingerprint == fingerprint)
            {
                log($"cell {cell.Name}: finished earlier; skipped");
                return true;
            }
            log($"error: cell {cell.Name} {MatrixResultsReader.StaleError(directory, previous.Fingerprint, fingerprint)}; nothing was changed");
            return false;
        }

        bool resume = new CheckpointStore(CheckpointLocation.Folder(directory)).Latest() is not null;
        var record = new CellRecord
        {
            Index = index, Name = cell.Name, Status = CellStatus.Interrupted, Fingerprint = fingerprint,
            Attempts = (previous?.Attempts ?? 0) + 1, StartedUtc = DateTime.UtcNow,
        };
        record.Write(directory);
        log($"cell {cell.Name}: {(resume ? "resuming from its latest checkpoint" : "training")} in {directory}");
        try
        {
            PipelineRunner.Train(definition, log, resume);
            record.With(CellStatus.Finished).Write(directory);
        }
        catch (Exception e)
        {
            string error = e is PluginFailureException or InvalidDataException or IOException or InvalidOperationException or ArgumentException
                ? e.Message
                : $"{e.GetType().Name}: {e.Message}";
            record.With(CellStatus.Failed, error).Write(directory);
            log($"error: cell {cell.Name} failed: {error}");
            return false;
        }
        DrawCharts(directory, log);
        return true;
    }

    private static void DrawCharts(string directory, Action<string> log)
    {
        try
        {
            MetricsPlotter.Write(Path.Combine(directory, "metrics.jsonl"), directory);
        }
        catch (Exception e)
        {
            log($"warning: no plots drawn: {e.GetType().Name}: {e.Message}");
        }
    }
}
