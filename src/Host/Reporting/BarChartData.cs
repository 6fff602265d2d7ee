namespace Pipeline.Host.Reporting;

/// <summary>What a horizontal bar chart shows, before any drawing: one bar per label, top to bottom in list order.</summary>
/// <param name="FileName">The PNG file's name (<c>final_accuracy.png</c>).</param>
/// <param name="Title">The title above the chart.</param>
/// <param name="ValueLabel">The value axis label.</param>
/// <param name="Percent">Values are percentages, drawn on a fixed 0-100 axis.</param>
/// <param name="Bars">The bars, drawn top to bottom; a bar's colour is that of its label in <see cref="ColorOrder"/>.</param>
public sealed record BarChartData(string FileName, string Title, string ValueLabel, bool Percent, IReadOnlyList<ChartBar> Bars)
{
    /// <summary>The labels in the order colours are handed out (so a label keeps its colour across charts that show
    /// only some labels), or null to hand them out in bar order.</summary>
    public IReadOnlyList<string>? ColorOrder { get; init; }
}
