namespace Pipeline.Host.Matrix;

/// <summary>The one-line summary of a matrix's results: how its cells ended, and how the baseline comparison went.</summary>
internal static class MatrixSummary
{
    /// <summary><c>3 cells: 1 finished, 1 failed, 1 not run; baseline failed: 2 regressions, 1 cell missing from the results.</c></summary>
    public static string Line(MatrixResults results) => $"{Cells(results.Cells)}; {Baseline(results.Comparison)}.";

    /// <summary><c>3 cells: 1 finished, 1 failed, 1 not run</c>, with the interrupted cells when there are any.</summary>
    public static string Cells(IReadOnlyList<CellResult> cells)
    {
        int Count(CellStatus status) => cells.Count(c => c.Status == status);
        var parts = new List<string> { $"{Count(CellStatus.Finished)} finished", $"{Count(CellStatus.Failed)} failed" };
        if (Count(CellStatus.Interrupted) > 0) parts.Add($"{Count(CellStatus.Interrupted)} interrupted");
        parts.Add($"{Count(CellStatus.NotStarted)} not run");
        return $"{Plural(cells.Count, "cell")}: {string.Join(", ", parts)}";
    }

    /// <summary><c>no baseline</c>, <c>baseline passed</c>, or <c>baseline failed: </c> and what failed it.</summary>
    public static string Baseline(BaselineComparison? comparison)
    {
        if (comparison is null) return "no baseline";
        if (comparison.Passed) return "baseline passed";
        var parts = new List<string>();
        int regressions = comparison.Regressions.Count();
        if (regressions > 0) parts.Add(Plural(regressions, "regression"));
        if (comparison.MissingFromResults.Count > 0) parts.Add($"{Plural(comparison.MissingFromResults.Count, "cell")} missing from the results");
        if (comparison.MissingFromBaseline.Count > 0) parts.Add($"{Plural(comparison.MissingFromBaseline.Count, "cell")} missing from the baseline");
        if (comparison.MissingMetrics.Count > 0) parts.Add($"{Plural(comparison.MissingMetrics.Count, "metric")} missing on one side");
        return "baseline failed: " + string.Join(", ", parts);
    }

    public static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
