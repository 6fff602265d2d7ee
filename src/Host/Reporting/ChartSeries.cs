namespace Pipeline.Host.Reporting;

/// <summary>One series of a chart: points on the run's step axis (<see cref="StageAxis"/>) drawn in one style.</summary>
/// <param name="Name">What the values are (<c>overall</c>, a category, a stage, a parameter group); series of one name
/// share a colour.</param>
/// <param name="Legend">The legend entry, or null when the series is not listed (a later segment of a line, say).</param>
/// <param name="Style">A line or points.</param>
/// <param name="Points">The points, by ascending x, already scaled (accuracy in percent).</param>
public sealed record ChartSeries(string Name, string? Legend, SeriesStyle Style, IReadOnlyList<(double X, double Y)> Points)
{
    /// <summary>A band drawn behind the line in its colour, lightly (mean ± standard deviation over repeats), or null for none.</summary>
    public IReadOnlyList<(double X, double Low, double High)>? Band { get; init; }
}
