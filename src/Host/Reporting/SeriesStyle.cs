namespace Pipeline.Host.Reporting;

/// <summary>How a chart series is drawn.</summary>
public enum SeriesStyle
{
    /// <summary>A line through the points (with a marker on each when there are few).</summary>
    Line,

    /// <summary>Square markers without a line: evaluations on the whole held-out split drawn beside a curve of
    /// evaluations on a subset of it.</summary>
    Points,
}
