using System.Text.RegularExpressions;
using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixHtmlPageTests : IDisposable
{
    private const string Hostile = "<script>alert(\"owned\")</script> & </td></tr><img src=x onerror=alert(1)>";

    private readonly MatrixFixture _matrix = new();

    public void Dispose() => _matrix.Dispose();

    /// <summary>A finished cell with a regressed accuracy and an improved wall time, a failed one with a hostile
    /// error and name, and the report written with its charts.</summary>
    private string WriteReport()
    {
        var finished = _matrix.WithMetricsLog(_matrix.Cell(0, "lora", "constant", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.725)), 4.0, 0.725);
        var failed = _matrix.Cell(1, "<b>dora</b>", "commit", CellStatus.Failed, error: Hostile);
        var comparison = new BaselineComparison("<baseline>.json",
            [
                MatrixFixture.Check(finished, MatrixMetrics.Accuracy, MetricDirection.Higher, 0.02, baseline: 0.76, measured: 0.725),
                MatrixFixture.Check(finished, MatrixMetrics.WallSeconds, MetricDirection.Lower, 5, baseline: 120, measured: 93.4),
            ],
            [], [], []);
        var written = MatrixReport.Write(MatrixFixture.Results([finished, failed], comparison), _matrix.Root);
        return written[^1];
    }

    [Fact]
    public void Text_from_the_data_is_html_encoded_so_a_hostile_error_stays_text()
    {
        string page = File.ReadAllText(WriteReport());

        page.Should().Contain("<td class=\"error\">&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; &lt;/td&gt;&lt;/tr&gt;&lt;img src=x onerror=alert(1)&gt;</td>");
        page.Should().Contain("<td>adapter=&lt;b&gt;dora&lt;/b&gt;,<wbr>schedule=commit</td><td>&lt;b&gt;dora&lt;/b&gt;</td>");
        page.Should().Contain("<code>&lt;baseline&gt;.json</code>");
        page.Should().NotContain("<script>alert").And.NotContain("<b>dora").And.NotContain("<img src=x");
        Regex.Matches(page, "<script").Should().ContainSingle("the page's own check is its only script");
    }

    [Fact]
    public void The_page_needs_nothing_beside_it_and_forbids_the_browser_to_load_anything_else()
    {
        string page = File.ReadAllText(WriteReport());

        var sources = Regex.Matches(page, "(?:src|href)=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        sources.Should().HaveCount(3).And.OnlyContain(s => s.StartsWith("data:image/png;base64,iVBORw0KGgo", StringComparison.Ordinal));
        page.Should().NotContain("http:").And.NotContain("https:").And.NotContain("url(").And.NotContain("@import");
        page.Should().Contain("content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-");
        page.Should().Contain("<body data-images=\"3\">");
    }

    [Fact]
    public void Regressed_values_are_red_improved_ones_green_and_failed_rows_marked()
    {
        string page = File.ReadAllText(WriteReport());

        page.Should().Contain("<p class=\"summary\">2 cells: 1 finished, 1 failed, 0 not run; <span class=\"failed\">baseline failed: 1 regression</span>.</p>");
        page.Should().Contain("<td class=\"number regressed\" title=\"regressed: baseline 76.0%, move -3.5 pt, allowed 2.0 pt\">72.5%</td>");
        page.Should().Contain("<td class=\"number improved\" title=\"improved: baseline 120.0, move -26.6, allowed 5.0\">93.4</td>");
        page.Should().Contain("<tr class=\"cell failed\" data-index=\"1\">");
        page.Should().Contain("<td class=\"status\">failed</td>");
        Regex.Matches(page, "<tr class=\"cell ").Should().HaveCount(2);
        Regex.Matches(page, "class=\"number (regressed|improved)\"").Should().HaveCount(2);
    }
}
