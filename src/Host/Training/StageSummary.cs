namespace Pipeline.Host.Training;

/// <summary>What a finished stage reports.</summary>
public sealed record StageSummary(string Stage, long Steps, double FinalLoss, EvaluationResult? Evaluation);
