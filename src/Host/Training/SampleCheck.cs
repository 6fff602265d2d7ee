using Pipeline.Host.Data;

namespace Pipeline.Host.Training;

/// <summary>The outcome of checking one sample: its tokens, ready to store, or the problem that keeps it out.</summary>
public readonly record struct SampleCheck(TokenizedSample? Passed, SampleProblem? Problem);
