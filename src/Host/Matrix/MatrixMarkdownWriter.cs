using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes <c>results.md</c>: the matrix's name, the summary line, the results table (<see cref="MatrixTable"/> columns,
/// readable values; a regressed value bold with <c>✗</c>, an improved one with <c>✓</c>) and the baseline section:
/// every regression and improvement with its baseline, measured value, move, tolerance and direction, then what is
/// missing on each side.
/// </summary>
internal static partial class MatrixMarkdownWriter
{
    public const string FileName = "results.md";

    /// <summary>Follows a regressed value (which is also bold).</summary>
    public const string RegressionMarker = "✗";

    /// <summary>Follows an improved value.</summary>
    public const string ImprovementMarker = "✓";

    public static string Write(MatrixResults results, string outputDirectory)
    {
        string path = Path.Combine(outputDirectory, FileName);
        File.WriteAllText(path, Text(results));
        return path;
    }

    /// <summary>The file's text.</summary>
    public static string Text(MatrixResults results)
    {
        var text = new StringBuilder();
        text.Append($"# {Escape(results.Name)}\n\n");
        text.Append($"{MatrixSummary.Line(results)}\n\n");
        Table(text, results);
        text.Append('\n');
        Baseline(text, results.Comparison);
        return text.ToString();
    }

    private static void Table(StringBuilder text, MatrixResults results)
    {
        var metrics = MatrixTable.Metrics(results);
        var marks = new BaselineMarks(results.Comparison);
        Row(text, MatrixTable.Headers(results).Select(Escape));
        Row(text, [
            "---:", "---", .. results.Axes.Select(_ => "---"), .. metrics.Select(_ => "---:"), "---", "---",
        ]);
        foreach (var cell in results.Cells)
        {
            Row(text, [
                cell.Index.ToString(CultureInfo.InvariantCulture),
                Escape(cell.Name),
                .. results.Axes.Select(axis => Escape(MatrixTable.Label(cell, axis))),
                .. metrics.Select(metric => Value(cell, metric, marks)),
                MatrixTable.StatusName(cell.Status),
                Escape(cell.Error ?? ""),
            ]);
        }
        if (results.Comparison is not null)
            text.Append($"\n**bold** {RegressionMarker}: regressed beyond its tolerance from the baseline; {ImprovementMarker}: improved beyond it.\n");
    }

    private static string Value(CellResult cell, string metric, BaselineMarks marks)
    {
        if (!cell.Metrics.TryGetValue(metric, out double value)) return "";
        string readable = MatrixValueFormat.Readable(metric, value);
        return marks.Mark(cell.Name, metric) switch
        {
            BaselineMark.Regressed => $"**{readable}** {RegressionMarker}",
            BaselineMark.Improved => $"{readable} {ImprovementMarker}",
            _ => readable,
        };
    }

    private static void Baseline(StringBuilder text, BaselineComparison? comparison)
    {
        text.Append("## Baseline\n\n");
        if (comparison is null)
        {
            text.Append("No baseline was given.\n");
            return;
        }
        text.Append($"Compared with `{comparison.BaselinePath.Replace("`", "'")}`: {MatrixSummary.Baseline(comparison)}.\n\n");
        Checks(text, "Regressions", comparison.Regressions.ToList());
        Checks(text, "Improvements", comparison.Checks.Where(c => c.Improved).ToList());
        text.Append("### Missing\n\n");
        text.Append($"- In the baseline, without a finished result now: {Names(comparison.MissingFromResults)}\n");
        text.Append($"- Finished now, not in the baseline: {Names(comparison.MissingFromBaseline)}\n");
        text.Append($"- Metrics one side lacks: {Names(comparison.MissingMetrics.Select(m => $"{m.Key}: {m.Value}").ToList())}\n");
    }

    private static void Checks(StringBuilder text, string title, IReadOnlyList<MetricCheck> checks)
    {
        text.Append($"### {title} ({checks.Count})\n\n");
        if (checks.Count == 0)
        {
            text.Append("None.\n\n");
            return;
        }
        Row(text, ["cell", "metric", "baseline", "measured", "move", "allowed", "tolerance", "direction"]);
        Row(text, ["---", "---", "---:", "---:", "---:", "---:", "---:", "---"]);
        foreach (var check in checks)
        {
            string metric = check.Tolerance.Metric;
            Row(text, [
                Escape(check.Cell), Escape(metric),
                MatrixValueFormat.Readable(metric, check.Baseline), MatrixValueFormat.Readable(metric, check.Measured),
                MatrixValueFormat.Move(metric, check.Change), MatrixValueFormat.Allowed(metric, check.Tolerance.AllowedMove(check.Baseline)),
                check.Tolerance.Describe(), MatrixValueFormat.Direction(check.Tolerance.Direction),
            ]);
        }
        text.Append('\n');
    }

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Select(Escape));

    /// <summary>One table row.</summary>
    public static void Row(StringBuilder text, IEnumerable<string> cells) => text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");

    /// <summary>
    /// Text from the data, safe in a table cell: line breaks become spaces, and the characters Markdown would read as
    /// markup are backslash-escaped (<c>_</c> only beside a non-word character, where it could start emphasis, so
    /// <c>accuracy_image</c> stays as it is).
    /// </summary>
    public static string Escape(string value)
    {
        string oneLine = LineBreaks().Replace(value, " ");
        var escaped = new StringBuilder(oneLine.Length);
        for (int i = 0; i < oneLine.Length; i++)
        {
            char c = oneLine[i];
            bool wordUnderscore = c == '_' && i > 0 && i < oneLine.Length - 1 && char.IsLetterOrDigit(oneLine[i - 1]) && char.IsLetterOrDigit(oneLine[i + 1]);
            if ("\\`*_[]<>|&~#".Contains(c) && !wordUnderscore) escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreaks();
}
