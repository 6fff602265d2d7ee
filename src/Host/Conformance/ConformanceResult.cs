namespace Pipeline.Host.Conformance;

/// <summary>The result of one conformance check: its name (as in the <c>check-plugin</c> table), how it ended and why.</summary>
/// <param name="Check">The check's name, for example <c>identity</c>.</param>
/// <param name="Outcome">Pass, fail or not applicable.</param>
/// <param name="Reason">What was measured, or what is wrong; one line.</param>
public sealed record ConformanceResult(string Check, ConformanceOutcome Outcome, string Reason)
{
    /// <summary>Whether the check did not fail (passed or does not apply).</summary>
    public bool Succeeded => Outcome != ConformanceOutcome.Fail;

    /// <summary>A passing result.</summary>
    public static ConformanceResult Pass(string check, string reason) => new(check, ConformanceOutcome.Pass, reason);

    /// <summary>A failing result.</summary>
    public static ConformanceResult Fail(string check, string reason) => new(check, ConformanceOutcome.Fail, reason);
}
