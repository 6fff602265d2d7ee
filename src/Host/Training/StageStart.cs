namespace Pipeline.Host.Training;

/// <summary>A stage about to take its first optimizer step.</summary>
/// <param name="Stage">The stage name.</param>
/// <param name="Index">The stage's position in the pipeline, from 0.</param>
/// <param name="TotalSteps">Optimizer steps the stage will take.</param>
public sealed record StageStart(string Stage, int Index, long TotalSteps);
