using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// The stage's schedule as the trainer calls it: every call into the plugin that throws becomes a
/// <see cref="PluginFailureException"/> naming the plugin, the stage and the step
/// (<c>scheduler plugin 'warmup_cosine' failed at stage 'instruct' step 12: ...</c>), and a learning rate that is not a
/// finite number of at least 0 is refused the same way before it reaches the optimizer.
/// </summary>
/// <remarks>
/// A schedule that wraps another (<see cref="SchedulerBuildContext.CreateSchedule"/>) is one plugin to the trainer: a failure
/// inside the wrapped one is reported under the stage's plugin, with the inner exception as the cause. A plugin failure
/// raised while a schedule's observation reruns the model (an adapter's forward) keeps its own name.
/// </remarks>
public sealed class GuardedSchedule(ILearningRateSchedule inner, string plugin, string stage) : ILearningRateSchedule
{
    /// <summary>The optimizer step being run (from 0), for calls that carry no step of their own; the trainer sets it.</summary>
    public long Step { get; set; }

    /// <inheritdoc />
    public double LearningRate(string group, long step)
    {
        double rate = Guard(step, () => inner.LearningRate(group, step));
        if (double.IsFinite(rate) && rate >= 0) return rate;
        throw Failure(At(step), new InvalidOperationException(
            $"it returned the learning rate {Text(rate)} for group '{group}'; a learning rate must be a finite number of at least 0"));
    }

    /// <inheritdoc />
    public bool WantsObservation(long step) => Guard(step, () => inner.WantsObservation(step));

    /// <inheritdoc />
    public void Observe(IStepObservation observation) => Guard(observation.Step, () =>
    {
        inner.Observe(observation);
        return 0;
    });

    /// <inheritdoc />
    public Tensor? AuxiliaryLoss(Tensor answerLogits) => Guard(Step, () => inner.AuxiliaryLoss(answerLogits));

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Metrics => Guard(Step, () => inner.Metrics);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> SaveState() => Guard(Step, inner.SaveState, " while saving its state");

    /// <inheritdoc />
    /// <remarks>An <see cref="InvalidDataException"/> (the contract's "the state lacks a value") stays a checkpoint problem.</remarks>
    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        try
        {
            inner.LoadState(state);
        }
        catch (Exception error) when (error is not PluginFailureException and not InvalidDataException)
        {
            throw Failure($"at stage '{stage}' while restoring its state from a checkpoint", error);
        }
    }

    private static string Text(double rate) => double.IsNaN(rate) ? "NaN"
        : double.IsInfinity(rate) ? (rate > 0 ? "Infinity" : "-Infinity")
        : rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private string At(long step) => $"at stage '{stage}' step {step + 1}";

    /// <summary>Calls the plugin; the place for the message is formatted only when the call fails (this runs every step).</summary>
    private T Guard<T>(long step, Func<T> call, string suffix = "")
    {
        try
        {
            return call();
        }
        catch (Exception error) when (error is not PluginFailureException)
        {
            throw Failure(At(step) + suffix, error);
        }
    }

    private PluginFailureException Failure(string where, Exception error) => new("scheduler", plugin, where, error);
}
