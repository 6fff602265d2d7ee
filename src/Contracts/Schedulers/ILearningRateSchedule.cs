using static TorchSharp.torch;

namespace Pipeline.Contracts.Schedulers;

/// <summary>
/// The learning rate of every parameter group at every optimizer step, plus optional hooks for schedules
/// that react to training (CoMMIT). The host calls, per optimizer step <c>s</c> (from 0):
/// <see cref="LearningRate"/> for each group; then, if <see cref="WantsObservation"/>(s) is true, it keeps a
/// copy of the trainable parameters, steps the optimizer, and calls <see cref="Observe"/>.
/// Every member is called on the training thread.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>
    /// The learning rate of group <paramref name="group"/> at optimizer step <paramref name="step"/>: a finite number of at
    /// least 0 (the host stops the run, naming the plugin, on anything else).
    /// </summary>
    double LearningRate(string group, long step);

    /// <summary>Whether <see cref="Observe"/> should be called after step <paramref name="step"/> (it costs a parameter copy).</summary>
    bool WantsObservation(long step) => false;

    /// <summary>Called after the optimizer step when <see cref="WantsObservation"/> returned true.</summary>
    void Observe(IStepObservation observation) { }

    /// <summary>
    /// An extra loss term from the answer-token logits of the training forward (<c>M x V</c>, M answer tokens),
    /// already weighted; <c>null</c> for none. Called inside the step's dispose scope.
    /// </summary>
    Tensor? AuxiliaryLoss(Tensor answerLogits) => null;

    /// <summary>Quantities to log with the step's metrics (for example <c>kappa</c>), keyed by metric name.</summary>
    IReadOnlyDictionary<string, double> Metrics => new Dictionary<string, double>();

    /// <summary>
    /// The state a checkpoint must keep so that a resumed run schedules exactly as the uninterrupted one would
    /// (for example a moving average and the multipliers in force), as named numbers. Schedules that are a pure
    /// function of the step return an empty dictionary (the default). Called between optimizer steps.
    /// </summary>
    IReadOnlyDictionary<string, double> SaveState() => new Dictionary<string, double>();

    /// <summary>
    /// Restores what <see cref="SaveState"/> returned, on a freshly built schedule, before the first step of a
    /// resumed run. Throw <see cref="InvalidDataException"/> naming the key when the state is missing a value
    /// this schedule needs.
    /// </summary>
    void LoadState(IReadOnlyDictionary<string, double> state) { }
}
