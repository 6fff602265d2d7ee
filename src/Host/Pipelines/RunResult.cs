using Pipeline.Host.Training;

namespace Pipeline.Host.Pipelines;

/// <summary>What a finished training run reports.</summary>
public sealed record RunResult(string OutputDirectory, IReadOnlyList<StageSummary> Stages, TimeSpan Elapsed);
