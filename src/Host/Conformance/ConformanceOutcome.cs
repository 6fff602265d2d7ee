namespace Pipeline.Host.Conformance;

/// <summary>How one conformance check ended.</summary>
public enum ConformanceOutcome
{
    /// <summary>The adapter does what the check asks.</summary>
    Pass,

    /// <summary>The adapter does not; the result's reason says what was found.</summary>
    Fail,

    /// <summary>The check does not apply to this adapter (merging, for an adapter that cannot merge).</summary>
    NotApplicable,
}
