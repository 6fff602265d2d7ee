using System.Globalization;
using Pipeline.Contracts.Schedulers;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Schedulers.Commit;

/// <summary>
/// CoMMIT, as this project reconstructs it (formulas in <see cref="CommitReconstruction"/>): a base schedule whose
/// <c>encoder</c> and <c>llm</c> rates are scaled by multipliers that balance how much each side changes the answers.
/// After every <c>measure_every</c>-th step it measures kappa on the step just taken and folds it into kbar; after
/// every <c>update_every</c>-th step it recomputes the multipliers, which apply from the next step on.
/// </summary>
/// <remarks>
/// The schedule is inactive when the stage trains only one side (for example LLM adapters alone): kappa needs both.
/// Then it never asks for observations, both multipliers stay 1, it adds no auxiliary loss, and its metrics say
/// <c>commit_active = 0</c>.
/// </remarks>
public sealed class CommitSchedule : ILearningRateSchedule
{
    private const string BasePrefix = "base.";

    private readonly CommitOptions _options;
    private readonly ILearningRateSchedule _base;

    private long _observations;
    private long _skippedMeasurements;
    private long _measurements;
    private double _kbar = 0.5;
    private double _lastKappa;
    private bool _lastKappaDefined;
    private double _lastKlEncoder;
    private double _lastKlLlm;
    private SideMultipliers _multipliers = SideMultipliers.None;
    private SideMultipliers _previousMultipliers = SideMultipliers.None;
    private long _multipliersFromStep;

    /// <param name="options">Bound and validated options.</param>
    /// <param name="baseSchedule">The schedule whose rates the multipliers scale.</param>
    /// <param name="groups">The stage's parameter groups; both sides must train for the schedule to be active.</param>
    public CommitSchedule(CommitOptions options, ILearningRateSchedule baseSchedule, IReadOnlyList<ParameterGroupInfo> groups)
    {
        string? problem = options.Validate().Select(e => $"{e.Key}: {e.Message}").FirstOrDefault();
        if (problem is not null) throw new ArgumentException(problem, nameof(options));
        _options = options;
        _base = baseSchedule;
        IsActive = Trains(groups, CommitReconstruction.EncoderSide) && Trains(groups, CommitReconstruction.LlmSide);
    }

    private static bool Trains(IReadOnlyList<ParameterGroupInfo> groups, string side) =>
        groups.Any(g => g.Name == side && g.ParameterCount > 0);

    /// <summary>Whether both sides train, so that kappa is defined and the schedule measures and adapts.</summary>
    public bool IsActive { get; }

    /// <summary>The multipliers in force from <see cref="MultipliersFromStep"/> on.</summary>
    public SideMultipliers CurrentMultipliers => _multipliers;

    /// <summary>The first step that uses <see cref="CurrentMultipliers"/>; earlier steps used the previous ones.</summary>
    public long MultipliersFromStep => _multipliersFromStep;

    /// <summary>The moving average kbar, or <c>null</c> before the first informative measurement.</summary>
    public double? AverageKappa => _measurements > 0 ? _kbar : null;

    /// <summary>
    /// <c>base.LearningRate(group, step) * m_side</c>, with the multipliers in force at <paramref name="step"/>: exact for
    /// the current step and for steps since the update before the latest one.
    /// </summary>
    public double LearningRate(string group, long step)
    {
        SideMultipliers inForce = step >= _multipliersFromStep ? _multipliers : _previousMultipliers;
        return _base.LearningRate(group, step) * inForce.Of(group);
    }

    /// <inheritdoc />
    public bool WantsObservation(long step) => IsActive && (step + 1) % _options.MeasureEvery == 0;

    /// <summary>Measures <c>D_S</c> and <c>D_T</c> on the step just taken (three forward passes) and records them.</summary>
    public void Observe(IStepObservation observation)
    {
        if (!IsActive) return;
        double klEncoder, klLlm;
        using (var scope = NewDisposeScope())
        {
            using Tensor before = observation.AnswerLogProbabilities([]);
            using Tensor encoderUpdated = observation.AnswerLogProbabilities([CommitReconstruction.EncoderSide]);
            using Tensor llmUpdated = observation.AnswerLogProbabilities([CommitReconstruction.LlmSide]);
            klEncoder = CommitReconstruction.MeanKlDivergence(encoderUpdated, before);
            klLlm = CommitReconstruction.MeanKlDivergence(llmUpdated, before);
        }
        Record(observation.Step, klEncoder, klLlm);
    }

    /// <summary>
    /// Folds the divergences measured after <paramref name="step"/> into kbar (unless the measurement is not
    /// informative, see <see cref="CommitReconstruction.IsInformative"/>), and after every <c>update_every</c>-th step
    /// recomputes the multipliers for the steps that follow.
    /// </summary>
    /// <exception cref="InvalidOperationException">A divergence is negative or not finite: the model's outputs are broken.</exception>
    public void Record(long step, double klEncoder, double klLlm)
    {
        if (!(klEncoder >= 0 && klLlm >= 0 && double.IsFinite(klEncoder) && double.IsFinite(klLlm)))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"CoMMIT measurement after step {step + 1}: D_S = {klEncoder}, D_T = {klLlm}; divergences must be finite and non-negative"));
        _observations++;
        _lastKlEncoder = klEncoder;
        _lastKlLlm = klLlm;
        _lastKappaDefined = CommitReconstruction.IsInformative(klEncoder, klLlm, _options.Epsilon);
        if (_lastKappaDefined)
        {
            _lastKappa = CommitReconstruction.BalanceCoefficient(klEncoder, klLlm, _options.Epsilon);
            _kbar = CommitReconstruction.MovingAverage(AverageKappa, _lastKappa, _options.EmaBeta);
            _measurements++;
        }
        else
        {
            _skippedMeasurements++;
        }

        if ((step + 1) % _options.UpdateEvery == 0 && _measurements > 0)
        {
            _previousMultipliers = _multipliers;
            _multipliers = CommitReconstruction.Multipliers(_kbar, _options.Gamma, _options.MultiplierMin, _options.MultiplierMax);
            _multipliersFromStep = step + 1;
        }
    }

    /// <summary><c>lambda * |2 kbar - 1|</c> now; 0 while inactive or before the first measurement.</summary>
    public double AuxiliaryWeight =>
        IsActive && _measurements > 0 ? CommitReconstruction.AuxiliaryWeight(_kbar, _options.AuxWeight) : 0.0;

    /// <summary>The entropy term <c>-lambda * |2 kbar - 1| * mean H(p)</c>, or <c>null</c> when its weight is 0.</summary>
    public Tensor? AuxiliaryLoss(Tensor answerLogits)
    {
        double weight = AuxiliaryWeight;
        if (weight == 0 || answerLogits.shape[0] == 0) return null;
        return CommitReconstruction.EntropyRegularizer(answerLogits, weight);
    }

    /// <summary>
    /// <c>commit_active</c>, <c>commit_measurements</c>, <c>commit_skipped_measurements</c>,
    /// <c>commit_multiplier_encoder</c>, <c>commit_multiplier_llm</c> (in force from the next step) and
    /// <c>commit_aux_weight</c> always; <c>commit_kl_encoder</c> and <c>commit_kl_llm</c> (D_S, D_T of the latest
    /// measurement) once there is one; <c>commit_kappa</c> when the latest measurement was informative;
    /// <c>commit_kbar</c> once there is an average. No value is ever NaN.
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics
    {
        get
        {
            var metrics = new Dictionary<string, double>
            {
                ["commit_active"] = IsActive ? 1 : 0,
                ["commit_measurements"] = _measurements,
                ["commit_skipped_measurements"] = _skippedMeasurements,
                ["commit_multiplier_encoder"] = _multipliers.Encoder,
                ["commit_multiplier_llm"] = _multipliers.Llm,
                ["commit_aux_weight"] = AuxiliaryWeight,
            };
            if (_observations > 0)
            {
                metrics["commit_kl_encoder"] = _lastKlEncoder;
                metrics["commit_kl_llm"] = _lastKlLlm;
            }
            if (_lastKappaDefined) metrics["commit_kappa"] = _lastKappa;
            if (_measurements > 0) metrics["commit_kbar"] = _kbar;
            return metrics;
        }
    }

    /// <summary>
    /// The balance state (keys below) plus the base schedule's state under <c>base.</c>; plain finite numbers only.
    /// </summary>
    public IReadOnlyDictionary<string, double> SaveState()
    {
        var state = new Dictionary<string, double>
        {
            ["observations"] = _observations,
            ["measurements"] = _measurements,
            ["skipped_measurements"] = _skippedMeasurements,
            ["kbar"] = _kbar,
            ["last_kappa"] = _lastKappa,
            ["last_kappa_defined"] = _lastKappaDefined ? 1 : 0,
            ["last_kl_encoder"] = _lastKlEncoder,
            ["last_kl_llm"] = _lastKlLlm,
            ["multiplier_encoder"] = _multipliers.Encoder,
            ["multiplier_llm"] = _multipliers.Llm,
            ["previous_multiplier_encoder"] = _previousMultipliers.Encoder,
            ["previous_multiplier_llm"] = _previousMultipliers.Llm,
            ["multipliers_from_step"] = _multipliersFromStep,
        };
        foreach (var (key, value) in _base.SaveState()) state[BasePrefix + key] = value;
        return state;
    }

    /// <inheritdoc />
    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        double Read(string key) => state.TryGetValue(key, out double value) && double.IsFinite(value)
            ? value
            : throw new InvalidDataException($"the commit schedule's saved state has no finite '{key}'");

        _observations = (long)Read("observations");
        _measurements = (long)Read("measurements");
        _skippedMeasurements = (long)Read("skipped_measurements");
        _kbar = Read("kbar");
        _lastKappa = Read("last_kappa");
        _lastKappaDefined = Read("last_kappa_defined") != 0;
        _lastKlEncoder = Read("last_kl_encoder");
        _lastKlLlm = Read("last_kl_llm");
        _multipliers = new SideMultipliers(Read("multiplier_encoder"), Read("multiplier_llm"));
        _previousMultipliers = new SideMultipliers(Read("previous_multiplier_encoder"), Read("previous_multiplier_llm"));
        _multipliersFromStep = (long)Read("multipliers_from_step");
        _base.LoadState(state.Where(kv => kv.Key.StartsWith(BasePrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[BasePrefix.Length..], kv => kv.Value));
    }
}
