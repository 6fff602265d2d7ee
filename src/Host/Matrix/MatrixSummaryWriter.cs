using System.Globalization;
using System.Text;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes a matrix's summary over repeats: <c>summary.csv</c> and <c>summary.md</c> (one row per group), and with
/// <c>summary.best</c> <c>summary-best.csv</c> and <c>summary-best.md</c> (one row per group of the remaining axes, at
/// its best label). The CSV files hold every mean and standard deviation at full precision in columns of their own
/// (<see cref="MatrixSummaryColumns"/>); the Markdown files write each metric as <c>mean ± std</c>, readably.
/// </summary>
internal static class MatrixSummaryWriter
{
    public const string CsvFile = "summary.csv";
    public const string MarkdownFile = "summary.md";
    public const string BestCsvFile = "summary-best.csv";
    public const string BestMarkdownFile = "summary-best.md";

    /// <summary>Every file name this writer may write (a later write without <c>summary.best</c> removes the best files).</summary>
    public static readonly IReadOnlyList<string> FileNames = [CsvFile, MarkdownFile, BestCsvFile, BestMarkdownFile];

    /// <summary>Writes the files the settings ask for and returns their paths.</summary>
    public static IReadOnlyList<string> Write(MatrixResults results, SummarySettings settings, IReadOnlyList<SummaryRow> groups,
        IReadOnlyList<SummaryRow>? best, string outputDirectory)
    {
        var written = new List<string>();
        void Save(string file, string text)
        {
            string path = Path.Combine(outputDirectory, file);
            File.WriteAllText(path, text);
            written.Add(path);
        }
        Save(CsvFile, Csv(results, settings, groups, best: false));
        Save(MarkdownFile, Markdown(results, settings, groups, best: false));
        if (best is not null)
        {
            Save(BestCsvFile, Csv(results, settings, best, best: true));
            Save(BestMarkdownFile, Markdown(results, settings, best, best: true));
        }
        return written;
    }

    /// <summary>The text of <c>summary.csv</c> (or, with <paramref name="best"/>, <c>summary-best.csv</c>).</summary>
    public static string Csv(MatrixResults results, SummarySettings settings, IReadOnlyList<SummaryRow> rows, bool best)
    {
        var text = new StringBuilder();
        MatrixCsvWriter.Record(text, MatrixSummaryColumns.Headers(results, settings, best));
        foreach (var row in rows)
        {
            var fields = new List<string>(Labels(results, settings, row, best));
            foreach (string metric in MatrixTable.Metrics(results))
            {
                fields.Add(row.Means.TryGetValue(metric, out double mean) ? MatrixValueFormat.Exact(mean) : "");
                fields.Add(row.Deviations.TryGetValue(metric, out double deviation) ? MatrixValueFormat.Exact(deviation) : "");
                if (MatrixSummaryColumns.IsTarget(metric)) fields.Add(Count(row.Having(metric)));
            }
            MatrixCsvWriter.Record(text, fields);
        }
        return text.ToString();
    }

    /// <summary>The text of <c>summary.md</c> (or, with <paramref name="best"/>, <c>summary-best.md</c>).</summary>
    public static string Markdown(MatrixResults results, SummarySettings settings, IReadOnlyList<SummaryRow> rows, bool best)
    {
        var metrics = MatrixTable.Metrics(results);
        var text = new StringBuilder();
        text.Append($"# {MatrixMarkdownWriter.Escape(results.Name)}: {MatrixMarkdownWriter.Escape(Title(settings, best))}\n\n");
        text.Append($"{MatrixMarkdownWriter.Escape(Explanation(settings, rows, best))}\n\n");
        var headers = MatrixSummaryColumns.Headers(results, settings, best).Take(Labels(results, settings, rows.FirstOrDefault(), best).Count).ToList();
        MatrixMarkdownWriter.Row(text, [.. headers.Select(MatrixMarkdownWriter.Escape), .. metrics.Select(MatrixMarkdownWriter.Escape)]);
        MatrixMarkdownWriter.Row(text, [.. headers.Select((h, i) => i >= headers.Count - 3 || h == MatrixSummaryColumns.Compared ? "---:" : "---"), .. metrics.Select(_ => "---:")]);
        foreach (var row in rows)
            MatrixMarkdownWriter.Row(text, [
                .. Labels(results, settings, row, best).Select(MatrixMarkdownWriter.Escape),
                .. metrics.Select(metric => Readable(row, metric)),
            ]);
        return text.ToString();
    }

    /// <summary><c>Summary over seed</c>, or <c>Best lr by accuracy (higher is better), summary over seed</c>.</summary>
    public static string Title(SummarySettings settings, bool best) => best
        ? $"best {settings.Best!.Axis} by {settings.Best.Metric} ({settings.Best.Direction} is better), mean over {string.Join(", ", settings.Over)}"
        : $"mean over {string.Join(", ", settings.Over)}";

    /// <summary>What the table's numbers are, in a sentence.</summary>
    public static string Explanation(SummarySettings settings, IReadOnlyList<SummaryRow> rows, bool best)
    {
        string over = string.Join(", ", settings.Over);
        string common = $"Each value is the mean ± the sample standard deviation (n - 1) over the finished cells of the row (the repeats along {over}); " +
                        "n counts them, n_failed and n_unfinished the cells that failed or did not finish, which are never averaged in. " +
                        "A metric some finished cell lacks is left empty, and a steps-to-target value says how many cells reached the target when not all did.";
        if (!best) return $"{MatrixSummary.Plural(rows.Count, "group")}. {common}";
        return $"{MatrixSummary.Plural(rows.Count, "group")}, each at the {settings.Best!.Axis} label with the best mean {settings.Best.Metric} " +
               $"(ties: the first in the matrix file's order); compared counts the labels that had a mean. {common}";
    }

    private static List<string> Labels(MatrixResults results, SummarySettings settings, SummaryRow? row, bool best)
    {
        var fields = MatrixSummaryColumns.LabelAxes(results, settings, best)
            .Select(axis => row?.Labels.FirstOrDefault(l => l.Key == axis).Value ?? "").ToList();
        if (best) fields.AddRange([row?.Chosen ?? "", Count(row?.Compared ?? 0)]);
        fields.AddRange([Count(row?.Finished ?? 0), Count(row?.Failed ?? 0), Count(row?.Unfinished ?? 0)]);
        return fields;
    }

    /// <summary><c>72.5% ± 1.2 pt</c>; a target's column adds how many cells reached it when not all did.</summary>
    public static string Readable(SummaryRow row, string metric)
    {
        string value = !row.Means.TryGetValue(metric, out double mean) ? ""
            : MatrixValueFormat.Readable(metric, mean) + (row.Deviations.TryGetValue(metric, out double deviation) ? " ± " + MatrixValueFormat.Allowed(metric, deviation) : "");
        if (MatrixSummaryColumns.IsTarget(metric) && row.Having(metric) < row.Finished)
            value = $"{value} ({row.Having(metric)} of {row.Finished} reached)".TrimStart();
        return value;
    }

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);
}
