namespace Pipeline.Host.Matrix;

/// <summary>A matrix's results compared with a stored baseline (<c>--baseline FILE</c>).</summary>
/// <param name="BaselinePath">The baseline file, as given.</param>
/// <param name="Checks">Every compared metric of every cell present on both sides.</param>
/// <param name="MissingFromResults">Cells the baseline holds that have no finished result now (failed, not run, or no longer in the matrix).</param>
/// <param name="MissingFromBaseline">Finished cells the baseline does not hold.</param>
/// <param name="MissingMetrics">(cell, metric) pairs compared by the matrix that one side lacks.</param>
public sealed record BaselineComparison(
    string BaselinePath,
    IReadOnlyList<MetricCheck> Checks,
    IReadOnlyList<string> MissingFromResults,
    IReadOnlyList<string> MissingFromBaseline,
    IReadOnlyList<KeyValuePair<string, string>> MissingMetrics)
{
    /// <summary>The checks that regressed.</summary>
    public IEnumerable<MetricCheck> Regressions => Checks.Where(c => c.Regressed);

    /// <summary>Whether the results pass: no regression and nothing missing on either side.</summary>
    public bool Passed => !Regressions.Any() && MissingFromResults.Count == 0 && MissingFromBaseline.Count == 0 && MissingMetrics.Count == 0;
}
