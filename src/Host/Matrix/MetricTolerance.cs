namespace Pipeline.Host.Matrix;

/// <summary>How far one metric may move from its baseline (matrix YAML <c>metrics.NAME</c>).</summary>
/// <param name="Metric">The metric's name (<see cref="MatrixMetrics"/>).</param>
/// <param name="Direction">Which way it may move freely.</param>
/// <param name="Absolute">The allowed move in the metric's own unit (accuracy 0.02 = two points); 0 when relative.</param>
/// <param name="Relative">The allowed move as a fraction of the baseline value (0.05 = 5 %); 0 when absolute.</param>
public sealed record MetricTolerance(string Metric, MetricDirection Direction, double Absolute, double Relative)
{
    /// <summary>The largest move from <paramref name="baseline"/> that is still within tolerance.</summary>
    public double AllowedMove(double baseline) => Math.Max(Absolute, Relative * Math.Abs(baseline));

    /// <summary>The tolerance as the matrix YAML writes it: <c>0.02</c> or <c>5%</c>.</summary>
    public string Describe() => Relative > 0 ? $"{Relative * 100:0.###}%" : Absolute.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}
