extern alias ScottPlotLibrary;

using ScottPlotLibrary::ScottPlot;

namespace Pipeline.Host.Reporting;

/// <summary>
/// Draws a <see cref="ChartData"/> or a <see cref="BarChartData"/> as a PNG with ScottPlot: one colour per series name,
/// stage boundaries dashed, the legend outside the plot on the right.
/// </summary>
internal static class ChartRenderer
{
    /// <summary>Lines with at most this many points get a marker on each point.</summary>
    private const int MarkedPointsLimit = 60;

    /// <summary>Line patterns taken in turn once every colour of the palette is in use, so up to 60 names stay apart.</summary>
    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted];

    /// <summary><c>optimizer step</c>, and where each stage lies when there are several: <c>pretrain 1-700, instruct 701-1200</c>.</summary>
    private static string XLabel(StageAxis axis) => axis.Stages.Count <= 1
        ? "optimizer step"
        : "optimizer step: " + string.Join(", ", axis.Stages.Select(s => $"{s.Stage} {s.Offset + 1}-{s.Offset + s.Steps}"));

    /// <summary>
    /// The colour and line pattern of the name at <paramref name="index"/> among <paramref name="count"/> names: the ten
    /// colours of Category10 when they suffice, else the twenty of Category20, with dashed then dotted lines for the
    /// names past the palette's size.
    /// </summary>
    private static (Color Color, LinePattern Pattern) Style(int index, int count)
    {
        IPalette palette = count <= 10 ? new ScottPlotLibrary::ScottPlot.Palettes.Category10() : new ScottPlotLibrary::ScottPlot.Palettes.Category20();
        int size = palette.Colors.Length;
        return (palette.GetColor(index % size), Patterns[index / size % Patterns.Length]);
    }

    /// <summary>The position of each name in the colour order: <paramref name="order"/>, then names it lacks in order of appearance.</summary>
    private static Dictionary<string, int> ColorIndexes(IReadOnlyList<string>? order, IEnumerable<string> names)
    {
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string name in (order ?? []).Concat(names)) indexes.TryAdd(name, indexes.Count);
        return indexes;
    }

    public static void Render(ChartData chart, string path, int width, int height)
    {
        var plot = new Plot();
        try
        {
            plot.Title(chart.Title);
            plot.XLabel(XLabel(chart.Axis));
            plot.YLabel(chart.YLabel);
            var colorIndexes = ColorIndexes(chart.ColorOrder, chart.Series.Select(s => s.Name));
            foreach (var series in chart.Series)
            {
                var (color, pattern) = Style(colorIndexes[series.Name], colorIndexes.Count);
                if (series.Band is { Count: > 1 } band)
                {
                    var fill = plot.Add.FillY(band.Select(p => p.X).ToArray(), band.Select(p => p.Low).ToArray(), band.Select(p => p.High).ToArray());
                    fill.FillColor = color.WithAlpha(0.18);
                    fill.LineWidth = 0;
                }
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
                    scatter.LinePattern = pattern;
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

    /// <summary>Draws horizontal bars, the first at the top, each labelled on the left and its value written at its end.</summary>
    public static void RenderBars(BarChartData chart, string path, int width, int height)
    {
        var plot = new Plot();
        try
        {
            plot.Title(chart.Title);
            plot.XLabel(chart.ValueLabel);
            var colorIndexes = ColorIndexes(chart.ColorOrder, chart.Bars.Select(b => b.Label));
            int count = chart.Bars.Count;
            var ticks = new ScottPlotLibrary::ScottPlot.TickGenerators.NumericManual();
            var bars = new List<Bar>();
            for (int i = 0; i < count; i++)
            {
                var bar = chart.Bars[i];
                double position = count - 1 - i;
                var (color, _) = Style(colorIndexes[bar.Label], colorIndexes.Count);
                // A bar with an error bar gets its value written past the error bar's end instead of over it.
                bars.Add(new Bar
                {
                    Position = position, Value = bar.Value, Error = bar.Error, FillColor = color, LineColor = color, Size = 0.7,
                    Label = bar.Error > 0 ? "" : bar.ValueText, LineWidth = bar.Error > 0 ? 2 : 1,
                });
                ticks.AddMajor(position, bar.Label);
            }
            var barPlot = plot.Add.Bars(bars);
            for (int i = 0; i < count; i++)
            {
                var bar = chart.Bars[i];
                if (bar.Error <= 0) continue;
                var text = plot.Add.Text(bar.ValueText, bar.Value + bar.Error, count - 1 - i);
                text.LabelAlignment = Alignment.MiddleLeft;
                text.LabelFontSize = 12;
                text.OffsetX = 6;
            }
            barPlot.Horizontal = true;
            plot.Axes.Left.TickGenerator = ticks;
            plot.Axes.Left.MajorTickStyle.Length = 0;
            double largest = count == 0 ? 1 : Math.Max(chart.Bars.Max(b => b.Value + b.Error), 0);
            if (chart.Percent)
            {
                // Room past 100 for the value written at a bar's end, without a tick past 100.
                var percentTicks = new ScottPlotLibrary::ScottPlot.TickGenerators.NumericManual();
                for (int percent = 0; percent <= 100; percent += 10) percentTicks.AddMajor(percent, $"{percent}");
                plot.Axes.Bottom.TickGenerator = percentTicks;
            }
            // A value written past an error bar ("98.1% ± 3.6 pt") needs about 20 points of room after the bar's end.
            bool errorTexts = chart.Bars.Any(b => b.Error > 0);
            double upper = chart.Percent ? (errorTexts ? Math.Max(110, largest + 22) : 110) : Math.Max(1e-9, largest) * (errorTexts ? 1.35 : 1.15);
            plot.Axes.SetLimitsX(0, upper);
            plot.Axes.SetLimitsY(-0.6, Math.Max(count, 1) - 0.4);
            plot.SavePng(path, width, height);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
