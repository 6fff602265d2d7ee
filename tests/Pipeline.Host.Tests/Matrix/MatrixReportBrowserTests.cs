using System.Text.RegularExpressions;
using Pipeline.Host.Matrix;
using Pipeline.Host.Tests.Support;
using SkiaSharp;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>The written <c>report.html</c> as a real browser shows it (<see cref="HeadlessBrowser"/>).</summary>
public sealed class MatrixReportBrowserTests : IDisposable
{
    private const int Width = 1280;
    private const int Height = 2000;

    private readonly MatrixFixture _matrix = new();

    public void Dispose() => _matrix.Dispose();

    /// <summary>Two finished cells (one regressed, one improved), a failed one with a hostile error and one not run.</summary>
    private string WriteReport()
    {
        var regressed = _matrix.WithMetricsLog(_matrix.Cell(0, "lora", "constant", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.725)), 4.0, 0.725);
        var failed = _matrix.Cell(1, "dora", "constant", CellStatus.Failed, error: "<script>alert(1)</script> NaN loss at step 3");
        var notRun = _matrix.Cell(2, "lora", "commit", CellStatus.NotStarted);
        var improved = _matrix.WithMetricsLog(_matrix.Cell(3, "dora", "commit", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.5)), 2.0, 0.5);
        var comparison = new BaselineComparison("baseline.json",
            [
                MatrixFixture.Check(regressed, MatrixMetrics.Accuracy, MetricDirection.Higher, 0.02, baseline: 0.76, measured: 0.725),
                MatrixFixture.Check(improved, MatrixMetrics.Accuracy, MetricDirection.Higher, 0.02, baseline: 0.4, measured: 0.5),
            ],
            [failed.Name], [], []);
        return MatrixReport.Write(MatrixFixture.Results([regressed, failed, notRun, improved], comparison), _matrix.Root)[^1];
    }

    [BrowserFact]
    public void The_dom_after_loading_holds_every_row_and_every_chart_decoded_without_console_errors()
    {
        string page = WriteReport();

        var run = HeadlessBrowser.DumpDom(page);

        run.ExitCode.Should().Be(0, "the browser log says:\n{0}", run.Log);
        run.ConsoleMessages.Should().BeEmpty("the page logs nothing and loads nothing it is not allowed to");
        string dom = run.Output;
        dom.Should().Contain("data-images=\"3\"").And.Contain("data-images-loaded=\"3\"", "the page's script counts the charts the browser decoded");
        Regex.Matches(dom, "<tr class=\"cell ").Select(m => m.Index).Should().HaveCount(4);
        foreach (string name in new[] { "adapter=lora,schedule=constant", "adapter=dora,schedule=constant", "adapter=lora,schedule=commit", "adapter=dora,schedule=commit" })
            dom.Should().Contain($"<td>{name.Replace(",", ",<wbr>")}</td>");
        dom.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt; NaN loss at step 3");
        Regex.Matches(dom, "<script").Should().ContainSingle();
    }

    [BrowserFact]
    public void The_screenshot_shows_the_marked_table_and_the_charts()
    {
        string page = WriteReport();
        string screenshot = Path.Combine(_matrix.Root, "screenshot.png");

        var run = HeadlessBrowser.Screenshot(page, screenshot, Width, Height);

        run.ExitCode.Should().Be(0, "the browser log says:\n{0}", run.Log);
        run.ConsoleMessages.Should().BeEmpty();
        File.Exists(screenshot).Should().BeTrue();
        using var bitmap = SKBitmap.Decode(screenshot);
        (bitmap.Width, bitmap.Height).Should().Be((Width, Height));
        var pixels = bitmap.Pixels;
        bool IsNear(SKColor p, uint rgb) => Math.Abs(p.Red - (int)(rgb >> 16 & 0xFF)) <= 4 && Math.Abs(p.Green - (int)(rgb >> 8 & 0xFF)) <= 4 && Math.Abs(p.Blue - (int)(rgb & 0xFF)) <= 4;
        int Near(uint rgb) => pixels.Count(p => IsNear(p, rgb));
        // The longest horizontal run of the colour: a table cell's background is far wider than the legend's 12-pixel swatch.
        int WidestRun(uint rgb)
        {
            int widest = 0;
            for (int y = 0; y < Height; y++)
            {
                int run = 0;
                for (int x = 0; x < Width; x++)
                {
                    run = IsNear(pixels[y * Width + x], rgb) ? run + 1 : 0;
                    widest = Math.Max(widest, run);
                }
            }
            return widest;
        }

        pixels.Count(p => p.Red < 250 || p.Green < 250 || p.Blue < 250).Should().BeGreaterThan(pixels.Length / 20, "text, table and charts cover the page");
        pixels.Select(p => (uint)p).Distinct().Count().Should().BeGreaterThan(200, "charts and antialiased text have many colours");
        WidestRun(0xFFC9C9).Should().BeGreaterThan(40, "the regressed accuracy's cell is red");
        WidestRun(0xC6EFCE).Should().BeGreaterThan(40, "the improved accuracy's cell is green");
        Near(0xFFF1C2).Should().BeGreaterThan(10_000, "the failed row is amber across the table");
        // Category10's colours fill the bars of cell 0 (blue, its first) and cell 3 (red, its fourth).
        Near(0x1F77B4).Should().BeGreaterThan(5000, "the final-accuracy chart's bar of the first cell is drawn");
        Near(0xD62728).Should().BeGreaterThan(5000, "the final-accuracy chart's bar of the fourth cell is drawn");
    }
}
