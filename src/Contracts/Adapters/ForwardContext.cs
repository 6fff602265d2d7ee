using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// What an adapter may know about the batch being run, beyond the tensor its module receives, and where it
/// reports auxiliary losses and per-sample statistics. The host creates one per model forward and makes it current
/// through <see cref="IForwardContextAccessor"/> for the duration of that forward (single-threaded).
/// </summary>
public sealed class ForwardContext
{
    private readonly List<(string Name, Tensor Loss)> _auxiliaryLosses = [];
    private readonly List<(string Name, Tensor PerSample)> _sampleStatistics = [];
    private readonly Dictionary<string, int> _statisticReports = new(StringComparer.Ordinal);

    /// <param name="tokenMask">Real (non-padding) tokens of the LLM sequence, <c>B x N</c> bool, before any prefix.</param>
    /// <param name="sampleHasMedia">Per sample, whether it carries a non-text modality, <c>B</c> bool.</param>
    /// <param name="isTraining">Whether this forward is a training forward.</param>
    public ForwardContext(Tensor tokenMask, Tensor sampleHasMedia, bool isTraining)
        : this(tokenMask, sampleHasMedia, isTraining, collectsSampleStatistics: false)
    {
    }

    /// <param name="tokenMask">Real (non-padding) tokens of the LLM sequence, <c>B x N</c> bool, before any prefix.</param>
    /// <param name="sampleHasMedia">Per sample, whether it carries a non-text modality, <c>B</c> bool.</param>
    /// <param name="isTraining">Whether this forward is a training forward.</param>
    /// <param name="collectsSampleStatistics">
    /// Whether the host wants per-sample statistics from this forward (<see cref="CollectsSampleStatistics"/>); only an
    /// evaluation forward can (contracts 1.7).
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="collectsSampleStatistics"/> in a training forward.</exception>
    public ForwardContext(Tensor tokenMask, Tensor sampleHasMedia, bool isTraining, bool collectsSampleStatistics)
    {
        if (isTraining && collectsSampleStatistics)
            throw new ArgumentException("a training forward does not collect sample statistics", nameof(collectsSampleStatistics));
        TokenMask = tokenMask;
        SampleHasMedia = sampleHasMedia;
        IsTraining = isTraining;
        CollectsSampleStatistics = collectsSampleStatistics;
    }

    /// <summary>Real (non-padding) tokens, <c>B x N</c> bool, over the text positions (no prefix).</summary>
    public Tensor TokenMask { get; }

    /// <summary>Per sample, whether it carries an image or audio clip (<c>B</c> bool). MMA's modality index.</summary>
    public Tensor SampleHasMedia { get; }

    /// <summary>Whether this is a training forward (auxiliary losses are only used when it is).</summary>
    public bool IsTraining { get; }

    /// <summary>
    /// Whether the host collects per-sample statistics in this forward (contracts 1.7): <c>true</c> only in the forwards of
    /// the host's evaluations (every evaluation, periodic and stage-end, and <c>pipeline eval</c>), never in training
    /// forwards. Check it before computing a statistic, so that other forwards do no extra work;
    /// <see cref="AddSampleStatistic"/> ignores reports when it is <c>false</c>.
    /// </summary>
    public bool CollectsSampleStatistics { get; }

    /// <summary>Auxiliary losses reported during this forward, in report order.</summary>
    public IReadOnlyList<(string Name, Tensor Loss)> AuxiliaryLosses => _auxiliaryLosses;

    /// <summary>
    /// The per-sample statistics reported during this forward, in the order of each name's first report: one
    /// <c>B x K</c> float32 tensor per name, the mean of that name's reports, detached, in the dispose scope that owns
    /// <see cref="TokenMask"/>. Empty unless <see cref="CollectsSampleStatistics"/>.
    /// </summary>
    public IReadOnlyList<(string Name, Tensor PerSample)> SampleStatistics => _sampleStatistics;

    /// <summary>
    /// Reports a scalar loss to add to the task loss, already weighted (the host adds it as is and logs it in the
    /// <c>train</c> metrics as <c>aux_loss_&lt;name&gt;</c>, averaged over the record's steps). Report it from inside the
    /// forward so it is in the step's dispose scope.
    /// </summary>
    public void AddAuxiliaryLoss(string name, Tensor loss)
    {
        if (loss.numel() != 1) throw new ArgumentException($"auxiliary loss '{name}' must be a scalar, got shape [{string.Join(", ", loss.shape)}]", nameof(loss));
        _auxiliaryLosses.Add((name, loss));
    }

    /// <summary>
    /// Reports a statistic of each sample of the batch (contracts 1.7), for example the share of a sample's tokens each
    /// expert received: <paramref name="perSample"/> is <c>B x K</c>, row <c>i</c> belonging to sample <c>i</c> of the batch
    /// (the order of <see cref="TokenMask"/>), any float or integer type (it is kept as float32, detached). Does nothing
    /// unless <see cref="CollectsSampleStatistics"/>; check that first to skip the work.
    /// <para>
    /// What the host does with it: at the end of an evaluation it averages each column over the evaluated samples of each
    /// sample category and over all evaluated samples, and writes the means into the <c>eval</c> records of
    /// <c>metrics.jsonl</c>, <c>eval.jsonl</c> and the stage's <c>statistics</c> in <c>summary.json</c> as
    /// <c>stat_&lt;name&gt;_&lt;k&gt;</c> (all samples) and <c>stat_&lt;name&gt;_&lt;category&gt;_&lt;k&gt;</c>, <c>k</c> counting
    /// columns from 0. So report values whose mean over samples means something (shares, weights, counts per sample).
    /// </para>
    /// <para>
    /// Report from inside the forward (the host reads the values after it, in the same dispose scope; the context keeps
    /// its own copy in the scope that owns <see cref="TokenMask"/>, so the reported tensor may die with your module's
    /// scope). Reporting a name again in the same forward, with the same K, averages the reports: report a per-layer
    /// statistic under one shared name from every layer to get its mean over layers.
    /// </para>
    /// <para>
    /// Rules the host checks only when the evaluation ends (it then stops with an <see cref="InvalidOperationException"/>
    /// naming the statistic): report rows for the LLM batch's samples, so a module inside an encoder, which sees only
    /// the samples carrying its media, must not report; keep K the same in every batch of an evaluation; choose names
    /// that cannot collide with another statistic's name plus a category (<c>m</c> in category <c>x</c> and a statistic
    /// named <c>m_x</c> both give <c>stat_m_x_0</c>). A statistic reported in only some batches is averaged over those
    /// batches' samples only. Values are copied on the reporting tensor's device; NaN and infinity are not filtered and
    /// reach the means as they are.
    /// </para>
    /// </summary>
    /// <param name="name">
    /// Letters, digits, <c>_</c>, <c>.</c> and <c>-</c> only; prefix it with your adapter's name
    /// (<see cref="AdapterBuildContext.AdapterName"/>) so that two adapters do not mix their statistics.
    /// </param>
    /// <param name="perSample">One row per sample of the batch, <c>B x K</c>, <c>K &gt;= 1</c>.</param>
    /// <exception cref="ArgumentException">
    /// The name is empty or has another character; the tensor is not <c>B x K</c> with <c>K &gt;= 1</c> or its first
    /// dimension is not the batch size; the name was already reported in this forward with another K.
    /// </exception>
    public void AddSampleStatistic(string name, Tensor perSample)
    {
        if (!CollectsSampleStatistics) return;
        if (string.IsNullOrEmpty(name) || !name.All(IsNameCharacter))
            throw new ArgumentException($"sample statistic name '{name}' must be one or more letters, digits, '_', '.' or '-'", nameof(name));
        if (perSample.dim() != 2 || perSample.shape[1] < 1)
            throw new ArgumentException($"sample statistic '{name}' must be a B x K tensor with K >= 1 (one row per sample), got shape [{string.Join(", ", perSample.shape)}]", nameof(perSample));
        long batch = TokenMask.shape[0];
        if (perSample.shape[0] != batch)
            throw new ArgumentException($"sample statistic '{name}' has {perSample.shape[0]} rows but the batch has {batch} samples", nameof(perSample));
        int index = _sampleStatistics.FindIndex(s => s.Name == name);
        if (index >= 0 && _sampleStatistics[index].PerSample.shape[1] != perSample.shape[1])
            throw new ArgumentException($"sample statistic '{name}' was reported with {_sampleStatistics[index].PerSample.shape[1]} columns " +
                $"and then with {perSample.shape[1]} in the same forward", nameof(perSample));

        using var scope = NewDisposeScope();
        Tensor value = perSample.detach().to_type(ScalarType.Float32);
        if (index < 0)
        {
            _sampleStatistics.Add((name, value.clone().MoveToOtherDisposeScope(TokenMask)));
            _statisticReports[name] = 1;
            return;
        }
        // A running mean, so the stored tensor is the mean of the reports so far whatever their number.
        int reports = ++_statisticReports[name];
        Tensor previous = _sampleStatistics[index].PerSample;
        Tensor mean = previous + (value.to(previous.device) - previous) / reports;
        _sampleStatistics[index] = (name, mean.MoveToOtherDisposeScope(TokenMask));
        previous.Dispose();
    }

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';
}
