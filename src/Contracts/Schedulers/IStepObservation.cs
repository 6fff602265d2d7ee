using static TorchSharp.torch;

namespace Pipeline.Contracts.Schedulers;

/// <summary>
/// A just-finished optimizer step, offered to schedules that measure learning dynamics. The host holds the
/// parameters before the step and after it, and can run the current batch with any mix of the two.
/// </summary>
public interface IStepObservation
{
    /// <summary>The optimizer step that just finished (from 0).</summary>
    long Step { get; }

    /// <summary>The parameter group names.</summary>
    IReadOnlyList<string> Groups { get; }

    /// <summary>
    /// Runs the current batch without gradients, with the groups in <paramref name="updatedGroups"/> at their
    /// after-step values and every other group at its before-step values, and returns the log-probabilities on
    /// answer tokens (<c>M x V</c>). The caller owns the result; the model is left at its after-step values.
    /// </summary>
    Tensor AnswerLogProbabilities(IReadOnlyCollection<string> updatedGroups);
}
