namespace Pipeline.Host.Data;

/// <summary>One item of a data file as read: a sample, or the problem that keeps it out.</summary>
/// <param name="Sample">The sample, when the item is well formed.</param>
/// <param name="Problem">Why the item cannot be used, otherwise.</param>
public readonly record struct SampleRead(Sample? Sample, SampleProblem? Problem);
