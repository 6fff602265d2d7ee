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

    /// <summary>Every metric name in table order, given the evaluation categories found in the results.</summary>
    public static IReadOnlyList<string> InTableOrder(IEnumerable<string> categories) =>
        [Accuracy, .. categories.Select(c => AccuracyPrefix + c), .. AfterCategories];

    /// <summary>Whether <paramref name="name"/> is a metric a cell can report (a per-category accuracy for any category).</summary>
    public static bool IsKnown(string name) =>
        name == Accuracy || (name.StartsWith(AccuracyPrefix, StringComparison.Ordinal) && name.Length > AccuracyPrefix.Length) ||
        AfterCategories.Contains(name);
}
