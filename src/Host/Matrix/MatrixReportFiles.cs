namespace Pipeline.Host.Matrix;

/// <summary>Writes a matrix's result files into its output directory.</summary>
public static class MatrixReportFiles
{
    /// <summary>Writes the result files for <paramref name="results"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(MatrixResults results, string outputDirectory) => [];
}
