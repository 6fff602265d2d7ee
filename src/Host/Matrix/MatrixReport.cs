namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes the results files of a matrix into its output directory: <c>results.csv</c> (every value at full precision),
/// <c>results.md</c> (readable, with the baseline section), PNG charts in <c>charts/</c> (training loss and held-out
/// accuracy of every cell, final accuracy as bars) and <c>report.html</c>, one self-contained page holding all of it.
/// docs/MATRIX.md describes each file.
/// </summary>
public static class MatrixReport
{
    /// <summary>
    /// Writes every results file of <paramref name="results"/> into <paramref name="outputDirectory"/> (created if
    /// needed; files from an earlier write are replaced) and returns their paths: <c>results.csv</c>, <c>results.md</c>,
    /// the charts that have data, then <c>report.html</c>.
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
        var charts = MatrixCharts.Write(results, outputDirectory);
        string page = MatrixHtmlPage.Write(results, charts, outputDirectory);
        return [csv, markdown, .. charts.Select(c => c.Path), page];
    }
}
