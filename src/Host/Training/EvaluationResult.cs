namespace Pipeline.Host.Training;

/// <summary>Held-out results: mean answer-token loss and exact-match accuracy, overall and per sample category.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, int Samples, IReadOnlyDictionary<string, double> AccuracyByCategory);
