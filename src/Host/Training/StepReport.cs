namespace Pipeline.Host.Training;

/// <summary>A finished optimizer step.</summary>
/// <param name="Stage">The stage name.</param>
/// <param name="Step">Steps done in the stage, from 1.</param>
/// <param name="TotalSteps">Steps the stage will take.</param>
/// <param name="Loss">The step's task loss (mean over its micro-batches, auxiliary terms excluded).</param>
/// <param name="Tokens">Tokens the step trained on (all its micro-batches), for throughput.</param>
public sealed record StepReport(string Stage, long Step, long TotalSteps, double Loss, long Tokens = 0);
