extern alias ScottPlotLibrary;

using ScottPlotLibrary::ScottPlot;

namespace Pipeline.Host.Reporting;

/// <summary>Draws a <see cref="ChartData"/> as a PNG with ScottPlot: one colour per series name, stage boundaries dashed.</summary>
internal static class ChartRenderer
{
    /// <summary>Lines with at most this many points get a marker on each point.</summary>
    private const int MarkedPointsLimit = 60;

    /// <summary><c>optimizer step</c>, and where each stage lies when there are several: <c>pretrain 1-700, instruct 701-1200</c>.</summary>
    private static string XLabel(StageAxis axis) => axis.Stages.Count <= 1
        ? "optimizer step"
        : "optimizer step: " + string.Join(", ", axis.Stages.Select(s => $"{s.Stage} {s.Offset + 1}-{s.Offset + s.Steps}"));

    public static void Render(ChartData chart, string path, int width, int height)
    {
        var plot = new Plot();
        try
        {
            plot.Title(chart.Title);
            plot.XLabel(XLabel(chart.Axis));
            plot.YLabel(chart.YLabel);
            var palette = new ScottPlotLibrary::ScottPlot.Palettes.Category10();
            var colors = new Dictionary<string, Color>(StringComparer.Ordinal);
            foreach (var series in chart.Series)
            {
                if (!colors.TryGetValue(series.Name, out Color color)) colors[series.Name] = color = palette.GetColor(colors.Count);
                var scatter = plot.Add.Scatter(series.Points.Select(p => p.X).ToArray(), series.Points.Select(p => p.Y).ToArray(), color);
                if (series.Style == SeriesStyle.Points)
                {
                    scatter.LineWidth = 0;
                    scatter.MarkerShape = MarkerShape.FilledSquare;
                    scatter.MarkerSize = 9;
                }
                else
                {
                    scatter.LineWidth = series.Name == MetricsPlotter.Overall ? 3 : 1.5f;
                    scatter.MarkerSize = series.Points.Count <= MarkedPointsLimit ? 6 : 0;
                }
                if (series.Legend is not null) scatter.LegendText = series.Legend;
            }
            foreach (var (_, offset, _) in chart.Axis.Stages.Skip(1))
            {
                var boundary = plot.Add.VerticalLine(offset);
                boundary.LinePattern = LinePattern.Dashed;
                boundary.Color = Colors.Gray;
            }
            plot.Axes.AutoScale();
            var (_, lastOffset, lastSteps) = chart.Axis.Stages[^1];
            plot.Axes.SetLimitsX(0, Math.Max(1, lastOffset + lastSteps) * 1.02);
            if (chart.Percent) plot.Axes.SetLimitsY(-2, 102);
            plot.ShowLegend(Edge.Right);
            plot.SavePng(path, width, height);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
