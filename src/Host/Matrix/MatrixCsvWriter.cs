using System.Globalization;
using System.Text;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes <c>results.csv</c>: a header and one record per cell in matrix order (<see cref="MatrixTable"/> columns), as
/// RFC 4180 says (CRLF line ends; a field holding a comma, quote, CR or LF is quoted, its quotes doubled), numbers in
/// the invariant culture at full precision, an absent metric as an empty field.
/// </summary>
internal static class MatrixCsvWriter
{
    public const string FileName = "results.csv";

    public static string Write(MatrixResults results, string outputDirectory)
    {
        string path = Path.Combine(outputDirectory, FileName);
        File.WriteAllText(path, Text(results));
        return path;
    }

    /// <summary>The file's text.</summary>
    public static string Text(MatrixResults results)
    {
        var metrics = MatrixTable.Metrics(results);
        var text = new StringBuilder();
        Record(text, MatrixTable.Headers(results));
        foreach (var cell in results.Cells)
        {
            Record(text, [
                cell.Index.ToString(CultureInfo.InvariantCulture),
                cell.Name,
                .. results.Axes.Select(axis => MatrixTable.Label(cell, axis)),
                .. metrics.Select(metric => cell.Metrics.TryGetValue(metric, out double value) ? MatrixValueFormat.Exact(value) : ""),
                MatrixTable.StatusName(cell.Status),
                cell.Error ?? "",
            ]);
        }
        return text.ToString();
    }

    /// <summary>One RFC 4180 record and its CRLF.</summary>
    public static void Record(StringBuilder text, IEnumerable<string> fields)
    {
        text.AppendJoin(',', fields.Select(Field));
        text.Append("\r\n");
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
