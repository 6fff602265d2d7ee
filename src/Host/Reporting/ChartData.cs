namespace Pipeline.Host.Reporting;

/// <summary>What one chart shows, before any drawing: its file, labels, step axis and series.</summary>
/// <param name="FileName">The PNG file's name (<c>accuracy.png</c>).</param>
/// <param name="Title">The title above the chart.</param>
/// <param name="YLabel">The y axis label.</param>
/// <param name="Percent">Values are percentages, drawn on a fixed 0-100 axis.</param>
/// <param name="Axis">The stages laid end to end on the x axis.</param>
/// <param name="Series">The series in drawing order (colours follow <see cref="ColorOrder"/>, else the order of first
/// appearance of each name).</param>
public sealed record ChartData(string FileName, string Title, string YLabel, bool Percent, StageAxis Axis, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>The series names in the order colours are handed out (so a name keeps its colour across charts that
    /// draw only some names), or null to hand them out in order of first appearance.</summary>
    public IReadOnlyList<string>? ColorOrder { get; init; }
}
