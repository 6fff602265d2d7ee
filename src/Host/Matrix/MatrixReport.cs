namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes the results files of a matrix into its output directory: <c>results.csv</c> (every value at full precision),
/// <c>results.md</c> (readable, with the baseline section), PNG charts in <c>charts/</c> (training loss and held-out
/// accuracy of every cell, final accuracy as bars), with a <c>summary</c> the summary over repeats (<c>summary.csv</c>,
/// <c>summary.md</c>, <c>summary-best.*</c> and their charts), and <c>report.html</c>, one self-contained page holding all of it.
/// docs/MATRIX.md describes each file.
/// </summary>
public static class MatrixReport
{
    /// <summary>
    /// Writes every results file of <paramref name="results"/> into <paramref name="outputDirectory"/> (created if
    /// needed; files from an earlier write are replaced) and returns their paths: <c>results.csv</c>, <c>results.md</c>,
    /// the summary files, the charts that have data, then <c>report.html</c>.
    /// </summary>
    public static IReadOnlyList<string> Write(MatrixResults results, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        string csv = MatrixCsvWriter.Write(results, outputDirectory);
        string markdown = MatrixMarkdownWriter.Write(results, outputDirectory);
        string chartsFolder = Path.Combine(outputDirectory, MatrixCharts.Folder);
        if (Directory.Exists(chartsFolder))
            foreach (string file in new[] { MatrixCharts.LossFile, MatrixCharts.AccuracyFile, MatrixCharts.FinalAccuracyFile })
                File.Delete(Path.Combine(chartsFolder, file));
        if (Directory.Exists(chartsFolder))
            foreach (string file in Directory.GetFiles(chartsFolder, MatrixSummaryCharts.FilePrefix + "*.png")) File.Delete(file);
        foreach (string file in MatrixSummaryWriter.FileNames) File.Delete(Path.Combine(outputDirectory, file));
        var charts = MatrixCharts.Write(results, outputDirectory);
        MatrixSummaryReport? summary = null;
        var summaryFiles = new List<string>();
        if (results.Summary is { } settings)
        {
            var groups = MatrixSummaryTable.Groups(results, settings);
            var best = settings.Best is null ? null : MatrixSummaryTable.Best(groups, settings.Best);
            summary = new MatrixSummaryReport(settings, groups, best);
            summaryFiles.AddRange(MatrixSummaryWriter.Write(results, settings, groups, best, outputDirectory));
            charts = [.. charts, .. MatrixSummaryCharts.Write(results, settings, best ?? groups, outputDirectory)];
        }
        string page = MatrixHtmlPage.Write(results, charts, outputDirectory, summary);
        return [csv, markdown, .. summaryFiles, .. charts.Select(c => c.Path), page];
    }
}
