namespace Pipeline.Host.Matrix;

/// <summary>The names of the metrics a matrix cell reports (<see cref="CellResult.Metrics"/>), in table order.</summary>
public static class MatrixMetrics
{
    public const string Accuracy = "accuracy";
    public const string AccuracyPrefix = "accuracy_";
    public const string EvalLoss = "eval_loss";
    public const string FinalLoss = "final_loss";
    public const string Steps = "steps";
    public const string TrainableParameters = "trainable_parameters";
    public const string WallSeconds = "wall_seconds";
    public const string TokensPerSecond = "tokens_per_second";

    /// <summary>The fixed metrics after the per-category accuracies, in table order.</summary>
    public static readonly IReadOnlyList<string> AfterCategories = [EvalLoss, FinalLoss, Steps, TrainableParameters, WallSeconds, TokensPerSecond];

    /// <summary>Every form of metric name <see cref="IsKnown"/> takes, for messages.</summary>
    public static string KnownForms =>
        $"{Accuracy}, {AccuracyPrefix}CATEGORY, {string.Join(", ", AfterCategories)}, STAGE.{Accuracy}, STAGE.{AccuracyPrefix}CATEGORY, STAGE.{EvalLoss}, {MetricTarget.ColumnPrefix}METRIC_VALUE";

    /// <summary>Every metric name in table order, given the evaluation categories found in the results.</summary>
    public static IReadOnlyList<string> InTableOrder(IEnumerable<string> categories) =>
        [Accuracy, .. categories.Select(c => AccuracyPrefix + c), .. AfterCategories];

    /// <summary>
    /// Whether <paramref name="name"/> is a metric a cell can report: a fixed one, a per-category accuracy for any
    /// category, a stage's own evaluation (<see cref="OfStage"/>), or steps to a target (<c>steps_to_...</c>).
    /// </summary>
    public static bool IsKnown(string name) =>
        IsEvaluation(name) || AfterCategories.Contains(name) || StageMetric(name) is not null ||
        (name.StartsWith(MetricTarget.ColumnPrefix, StringComparison.Ordinal) && name.Length > MetricTarget.ColumnPrefix.Length);

    /// <summary>Whether <paramref name="name"/> is a value of a held-out evaluation: <c>accuracy</c>, <c>accuracy_CATEGORY</c> or <c>eval_loss</c>.</summary>
    public static bool IsEvaluation(string name) =>
        name == Accuracy || name == EvalLoss || (name.StartsWith(AccuracyPrefix, StringComparison.Ordinal) && name.Length > AccuracyPrefix.Length);

    /// <summary>The column of an evaluation value at the end of one stage: <c>pretrain.accuracy_text</c>.</summary>
    public static string OfStage(string stage, string evaluation) => $"{stage}.{evaluation}";

    /// <summary>
    /// The evaluation value a per-stage column holds (<c>accuracy_text</c> of <c>pretrain.accuracy_text</c>), or
    /// <c>null</c> when <paramref name="name"/> is not one: the text after the first dot that leaves an evaluation name.
    /// </summary>
    public static string? StageMetric(string name)
    {
        for (int dot = name.IndexOf('.'); dot > 0; dot = name.IndexOf('.', dot + 1))
            if (IsEvaluation(name[(dot + 1)..])) return name[(dot + 1)..];
        return null;
    }
}
