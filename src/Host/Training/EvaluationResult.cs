namespace Pipeline.Host.Training;

/// <summary>Held-out results: mean answer-token loss and exact-match accuracy, overall and per sample category.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, int Samples, IReadOnlyDictionary<string, double> AccuracyByCategory)
{
    /// <summary>
    /// The means of the per-sample statistics adapters reported (<see cref="Pipeline.Contracts.Adapters.ForwardContext.AddSampleStatistic"/>),
    /// keyed as in the metrics (<see cref="SampleStatisticKeys"/>): for each statistic in name order, its all-samples
    /// columns, then each category's in category order. Empty when no adapter reports any.
    /// </summary>
    public IReadOnlyDictionary<string, double> Statistics { get; init; } = new Dictionary<string, double>();
}
