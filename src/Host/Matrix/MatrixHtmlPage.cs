using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes <c>report.html</c>, a page that needs nothing beside it: styles inline, charts embedded as base64 PNG data,
/// and a Content-Security-Policy that lets the browser load nothing else. It holds the title, the summary line, the
/// results table (the columns of <c>results.md</c>; regressed values red, improved green, failed rows amber with their
/// error), the charts and the baseline section. Every text from the data is HTML-encoded.
/// </summary>
/// <remarks>
/// A small inline script, allowed by its hash alone, sets <c>data-images-loaded</c> on the body to the number of charts
/// the browser decoded (the body's <c>data-images</c> holds how many there are), so a headless browser's DOM shows
/// whether every chart loaded. The page reads the same without it.
/// </remarks>
internal static class MatrixHtmlPage
{
    public const string FileName = "report.html";

    private const string ImagesCheck =
        "window.addEventListener('load', function () {" +
        " var loaded = 0;" +
        " for (var i = 0; i < document.images.length; i++) { var image = document.images[i]; if (image.complete && image.naturalWidth > 0) loaded++; }" +
        " document.body.setAttribute('data-images-loaded', String(loaded));" +
        " });";

    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 24px; color: #1f2328; background: #fff; }
        h1 { margin: 0 0 8px; font-size: 26px; }
        h2 { margin: 28px 0 10px; font-size: 20px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
        h3 { margin: 18px 0 8px; font-size: 16px; }
        .summary { font-size: 16px; margin: 0 0 16px; }
        .summary .passed { color: #1a7f37; font-weight: 600; }
        .summary .failed { color: #cf222e; font-weight: 600; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 12px; }
        th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
        th { background: #f0f3f6; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .regressed { background: #ffc9c9; color: #82071e; font-weight: 700; }
        .improved { background: #c6efce; color: #055d20; }
        tr.failed td { background: #fff1c2; }
        tr.failed td.status { color: #9a3412; font-weight: 700; }
        tr.not_started td, tr.interrupted td.status { color: #6e7781; }
        td.error { white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: 12px; min-width: 10em; max-width: 32em; }
        .legend { font-size: 13px; color: #57606a; }
        .mark { display: inline-block; width: 12px; height: 12px; vertical-align: middle; border: 1px solid #d0d7de; }
        figure { margin: 16px 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
        figcaption { font-size: 13px; color: #57606a; }
        """;

    public static string Write(MatrixResults results, IReadOnlyList<MatrixChartFile> charts, string outputDirectory, MatrixSummaryReport? summary = null)
    {
        string path = Path.Combine(outputDirectory, FileName);
        File.WriteAllText(path, Text(results, charts, summary));
        return path;
    }

    /// <summary>The page's text, with the charts read from their files, and the summary over repeats when there is one.</summary>
    public static string Text(MatrixResults results, IReadOnlyList<MatrixChartFile> charts, MatrixSummaryReport? summary = null)
    {
        string scriptHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(ImagesCheck)));
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{scriptHash}'\">\n");
        page.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.Append($"<title>{Encode(results.Name)}: matrix results</title>\n<style>\n{Style}\n</style>\n</head>\n");
        page.Append($"<body data-images=\"{charts.Count}\">\n");
        page.Append($"<h1>{Encode(results.Name)}</h1>\n");
        page.Append($"<p class=\"summary\">{Encode(MatrixSummary.Cells(results.Cells))}; {BaselineSummary(results.Comparison)}.</p>\n");
        Table(page, results);
        if (summary is not null) Summary(page, results, summary);
        Charts(page, charts);
        Baseline(page, results.Comparison);
        page.Append($"<script>{ImagesCheck}</script>\n</body>\n</html>\n");
        return page.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string BaselineSummary(BaselineComparison? comparison) => comparison switch
    {
        null => Encode(MatrixSummary.Baseline(null)),
        { Passed: true } => $"<span class=\"passed\">{Encode(MatrixSummary.Baseline(comparison))}</span>",
        _ => $"<span class=\"failed\">{Encode(MatrixSummary.Baseline(comparison))}</span>",
    };

    private static void Table(StringBuilder page, MatrixResults results)
    {
        var metrics = MatrixTable.Metrics(results);
        var marks = new BaselineMarks(results.Comparison);
        page.Append("<div class=\"scroll\"><table id=\"results\">\n<thead><tr>");
        // Long metric names may break after an underscore, so the table stays narrow enough to show the errors.
        foreach (string header in MatrixTable.Headers(results)) page.Append($"<th>{Encode(header).Replace("_", "_<wbr>")}</th>");
        page.Append("</tr></thead>\n<tbody>\n");
        foreach (var cell in results.Cells)
        {
            string status = MatrixTable.StatusName(cell.Status);
            page.Append($"<tr class=\"cell {status}\" data-index=\"{cell.Index.ToString(CultureInfo.InvariantCulture)}\">");
            // A cell's name may break after its commas, so that wide matrices still show the error column.
            page.Append($"<td class=\"number\">{cell.Index.ToString(CultureInfo.InvariantCulture)}</td><td>{Encode(cell.Name).Replace(",", ",<wbr>")}</td>");
            foreach (string axis in results.Axes) page.Append($"<td>{Encode(MatrixTable.Label(cell, axis))}</td>");
            foreach (string metric in metrics) page.Append(Value(cell, metric, marks));
            page.Append($"<td class=\"status\">{status.Replace("_", "_<wbr>")}</td><td class=\"error\">{Encode(cell.Error ?? "")}</td></tr>\n");
        }
        page.Append("</tbody>\n</table></div>\n");
        if (results.Comparison is not null)
            page.Append("<p class=\"legend\"><span class=\"mark regressed\"></span> regressed beyond its tolerance from the baseline; " +
                        "<span class=\"mark improved\"></span> improved beyond it (hover a value for its baseline).</p>\n");
    }

    private static void Summary(StringBuilder page, MatrixResults results, MatrixSummaryReport summary)
    {
        page.Append($"<h2>Summary: {Encode(MatrixSummaryWriter.Title(summary.Settings, best: false))}</h2>\n");
        page.Append($"<p class=\"legend\">{Encode(MatrixSummaryWriter.Explanation(summary.Settings, summary.Groups, best: false))}</p>\n");
        SummaryTable(page, results, summary.Settings, summary.Groups, best: false, "summary");
        if (summary.Best is null) return;
        page.Append($"<h3>{Encode(char.ToUpperInvariant(MatrixSummaryWriter.Title(summary.Settings, best: true)[0]) + MatrixSummaryWriter.Title(summary.Settings, best: true)[1..])}</h3>\n");
        page.Append($"<p class=\"legend\">{Encode(MatrixSummaryWriter.Explanation(summary.Settings, summary.Best, best: true))}</p>\n");
        SummaryTable(page, results, summary.Settings, summary.Best, best: true, "summary-best");
    }

    private static void SummaryTable(StringBuilder page, MatrixResults results, SummarySettings settings, IReadOnlyList<SummaryRow> rows, bool best, string id)
    {
        var metrics = MatrixTable.Metrics(results);
        var labelHeaders = MatrixSummaryColumns.LabelAxes(results, settings, best).ToList();
        if (best) labelHeaders.AddRange([settings.Best!.Axis, MatrixSummaryColumns.Compared]);
        labelHeaders.AddRange([MatrixSummaryColumns.Finished, MatrixSummaryColumns.Failed, MatrixSummaryColumns.Unfinished]);
        page.Append($"<div class=\"scroll\"><table id=\"{id}\">\n<thead><tr>");
        foreach (string header in labelHeaders.Concat(metrics)) page.Append($"<th>{Encode(header).Replace("_", "_<wbr>")}</th>");
        page.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            page.Append("<tr>");
            foreach (string axis in MatrixSummaryColumns.LabelAxes(results, settings, best))
                page.Append($"<td>{Encode(row.Labels.FirstOrDefault(l => l.Key == axis).Value ?? "")}</td>");
            if (best) page.Append($"<td>{Encode(row.Chosen ?? "")}</td><td class=\"number\">{row.Compared.ToString(CultureInfo.InvariantCulture)}</td>");
            foreach (int count in new[] { row.Finished, row.Failed, row.Unfinished }) page.Append($"<td class=\"number\">{count.ToString(CultureInfo.InvariantCulture)}</td>");
            foreach (string metric in metrics) page.Append($"<td class=\"number\">{Encode(MatrixSummaryWriter.Readable(row, metric))}</td>");
            page.Append("</tr>\n");
        }
        page.Append("</tbody>\n</table></div>\n");
    }

    private static string Value(CellResult cell, string metric, BaselineMarks marks)
    {
        if (!cell.Metrics.TryGetValue(metric, out double value)) return "<td class=\"number\"></td>";
        string readable = Encode(MatrixValueFormat.Readable(metric, value));
        var check = marks.Check(cell.Name, metric);
        string? kind = marks.Mark(cell.Name, metric) switch
        {
            BaselineMark.Regressed => "regressed",
            BaselineMark.Improved => "improved",
            _ => null,
        };
        if (kind is null || check is null) return $"<td class=\"number\">{readable}</td>";
        string title = $"{kind}: baseline {MatrixValueFormat.Readable(metric, check.Baseline)}, move {MatrixValueFormat.Move(metric, check.Change)}, " +
                       $"allowed {MatrixValueFormat.Allowed(metric, check.Tolerance.AllowedMove(check.Baseline))}";
        return $"<td class=\"number {kind}\" title=\"{Encode(title)}\">{readable}</td>";
    }

    private static void Charts(StringBuilder page, IReadOnlyList<MatrixChartFile> charts)
    {
        page.Append("<h2>Charts</h2>\n");
        if (charts.Count == 0)
        {
            page.Append("<p>No charts: no cell that finished or was interrupted has training records.</p>\n");
            return;
        }
        foreach (var chart in charts)
        {
            string data = Convert.ToBase64String(File.ReadAllBytes(chart.Path));
            page.Append($"<figure><img src=\"data:image/png;base64,{data}\" alt=\"{Encode(chart.Title)}\" width=\"{chart.Width}\" height=\"{chart.Height}\">");
            page.Append($"<figcaption>{Encode(chart.Title)} ({MatrixCharts.Folder}/{Encode(Path.GetFileName(chart.Path))})</figcaption></figure>\n");
        }
    }

    private static void Baseline(StringBuilder page, BaselineComparison? comparison)
    {
        page.Append("<h2>Baseline</h2>\n");
        if (comparison is null)
        {
            page.Append("<p>No baseline was given.</p>\n");
            return;
        }
        page.Append($"<p>Compared with <code>{Encode(comparison.BaselinePath)}</code>: {BaselineSummary(comparison)}.</p>\n");
        Checks(page, "Regressions", "regressions", comparison.Regressions.ToList());
        Checks(page, "Improvements", "improvements", comparison.Checks.Where(c => c.Improved).ToList());
        page.Append("<h3>Missing</h3>\n<ul id=\"missing\">\n");
        page.Append($"<li>In the baseline, without a finished result now: {Names(comparison.MissingFromResults)}</li>\n");
        page.Append($"<li>Finished now, not in the baseline: {Names(comparison.MissingFromBaseline)}</li>\n");
        page.Append($"<li>Metrics one side lacks: {Names(comparison.MissingMetrics.Select(m => $"{m.Key}: {m.Value}").ToList())}</li>\n");
        page.Append("</ul>\n");
    }

    private static void Checks(StringBuilder page, string title, string id, IReadOnlyList<MetricCheck> checks)
    {
        page.Append($"<h3>{title} ({checks.Count})</h3>\n");
        if (checks.Count == 0)
        {
            page.Append("<p>None.</p>\n");
            return;
        }
        page.Append($"<table id=\"{id}\">\n<thead><tr><th>cell</th><th>metric</th><th>baseline</th><th>measured</th><th>move</th><th>allowed</th><th>tolerance</th><th>direction</th></tr></thead>\n<tbody>\n");
        foreach (var check in checks)
        {
            string metric = check.Tolerance.Metric;
            page.Append($"<tr><td>{Encode(check.Cell)}</td><td>{Encode(metric)}</td>");
            page.Append($"<td class=\"number\">{Encode(MatrixValueFormat.Readable(metric, check.Baseline))}</td>");
            page.Append($"<td class=\"number\">{Encode(MatrixValueFormat.Readable(metric, check.Measured))}</td>");
            page.Append($"<td class=\"number\">{Encode(MatrixValueFormat.Move(metric, check.Change))}</td>");
            page.Append($"<td class=\"number\">{Encode(MatrixValueFormat.Allowed(metric, check.Tolerance.AllowedMove(check.Baseline)))}</td>");
            page.Append($"<td class=\"number\">{Encode(check.Tolerance.Describe())}</td><td>{Encode(MatrixValueFormat.Direction(check.Tolerance.Direction))}</td></tr>\n");
        }
        page.Append("</tbody>\n</table>\n");
    }

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : Encode(string.Join(", ", names));
}
