namespace Pipeline.Host.Matrix;

/// <summary>One metric of one cell compared with its baseline.</summary>
/// <param name="Cell">The cell's name.</param>
/// <param name="Tolerance">The metric and its tolerance.</param>
/// <param name="Baseline">The baseline's value.</param>
/// <param name="Measured">The value measured now.</param>
public sealed record MetricCheck(string Cell, MetricTolerance Tolerance, double Baseline, double Measured)
{
    /// <summary>The move from the baseline, signed (measured minus baseline).</summary>
    public double Change => Measured - Baseline;

    /// <summary>Whether the metric moved beyond its tolerance in the direction that is worse.</summary>
    public bool Regressed
    {
        get
        {
            double allowed = Tolerance.AllowedMove(Baseline);
            return Tolerance.Direction switch
            {
                MetricDirection.Higher => Change < -allowed,
                MetricDirection.Lower => Change > allowed,
                _ => Math.Abs(Change) > allowed,
            };
        }
    }

    /// <summary>Whether the metric moved beyond its tolerance in the direction that is better (never for <see cref="MetricDirection.Equal"/>).</summary>
    public bool Improved
    {
        get
        {
            double allowed = Tolerance.AllowedMove(Baseline);
            return Tolerance.Direction switch
            {
                MetricDirection.Higher => Change > allowed,
                MetricDirection.Lower => Change < -allowed,
                _ => false,
            };
        }
    }
}
