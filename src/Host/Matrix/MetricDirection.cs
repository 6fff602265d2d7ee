namespace Pipeline.Host.Matrix;

/// <summary>Which way a metric may move from its baseline without being a regression.</summary>
public enum MetricDirection
{
    /// <summary>Higher is better (accuracy): only a fall beyond the tolerance is a regression.</summary>
    Higher,

    /// <summary>Lower is better (loss, wall time): only a rise beyond the tolerance is a regression.</summary>
    Lower,

    /// <summary>Any move beyond the tolerance is a regression (step counts, parameter counts).</summary>
    Equal,
}
