namespace Pipeline.Host.Matrix;

/// <summary>
/// Ends a matrix run or a <c>collect</c>: builds the results from the output directory, writes the result files, stores
/// or compares a baseline, and says how it went.
/// </summary>
public static class MatrixOutcome
{
    /// <summary>What the run comes to.</summary>
    /// <param name="Results">The results, with the comparison when a baseline was given.</param>
    /// <param name="Files">The result files written.</param>
    public sealed record Outcome(MatrixResults Results, IReadOnlyList<string> Files)
    {
        /// <summary>Whether a baseline was given and the comparison failed.</summary>
        public bool BaselineFailed => Results.Comparison is { Passed: false };

        /// <summary>Cells that did not finish, among those <paramref name="selected"/> (all when <c>null</c>).</summary>
        public IReadOnlyList<CellResult> Unfinished(IReadOnlyCollection<string>? selected = null) =>
            Results.Cells.Where(c => (selected is null || selected.Contains(c.Name)) && c.Status != CellStatus.Finished).ToList();
    }

    /// <param name="outputDirectory">The matrix's output directory (holding <c>matrix.json</c>).</param>
    /// <param name="selected">The cells this run chose with <c>--only</c>; <c>null</c> for all. The baseline is compared on these only.</param>
    /// <param name="baseline">The baseline to compare with, or <c>null</c>.</param>
    /// <param name="writeBaseline">Where to store the results as a baseline, or <c>null</c>.</param>
    public static Outcome Finish(string outputDirectory, IReadOnlyCollection<string>? selected, string? baseline, string? writeBaseline, Action<string> log)
    {
        var manifest = MatrixManifest.Read(outputDirectory);
        var results = MatrixResultsReader.Read(manifest, outputDirectory);
        if (baseline is not null)
        {
            var compared = selected is null ? results.Cells : results.Cells.Where(c => selected.Contains(c.Name)).ToList();
            results = results with { Comparison = BaselineFile.Compare(compared, manifest.Tolerances, baseline, onlySelected: selected is not null) };
        }
        var files = MatrixReport.Write(results, outputDirectory);
        foreach (var cell in results.Cells.Where(c => c.Status == CellStatus.Failed)) log($"failed: cell {cell.Name}: {cell.Error}");
        log($"{results.Cells.Count(c => c.Status == CellStatus.Finished)} of {results.Cells.Count} cells finished; results: {string.Join(", ", files.Select(Path.GetFileName))} in {outputDirectory}");
        if (results.Comparison is not null)
            foreach (string line in BaselineReport.Lines(results.Comparison)) log(line);
        if (writeBaseline is not null && results.Comparison is { Passed: false })
            log($"baseline not written to {writeBaseline}: the comparison with {baseline} failed, and a failed run must not become the next baseline");
        else if (writeBaseline is not null)
        {
            BaselineFile.Write(results, writeBaseline);
            log($"baseline of {results.Cells.Count(c => c.Status == CellStatus.Finished)} finished cells written to {writeBaseline}");
        }
        return new Outcome(results, files);
    }
}
