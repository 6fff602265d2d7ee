using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// The task and auxiliary losses of one optimizer step's micro-batches, kept on the device as they are computed and read
/// in one device-to-host copy when the step's backward passes are done, so a micro-batch costs no host synchronisation
/// for logging. The tensors it keeps are detached float64 copies made inside the step's dispose scope and die with it.
/// </summary>
internal sealed class MicroBatchLosses
{
    private readonly List<Tensor> _values = [];
    private readonly List<IReadOnlyList<string>> _auxiliaryNames = [];

    /// <summary>
    /// The step's losses as numbers: each micro-batch's task loss, the mean task loss over the micro-batches, and each
    /// auxiliary loss's mean by name (a name missing from a micro-batch counts as 0 there).
    /// </summary>
    public readonly record struct Values(IReadOnlyList<double> TaskLosses, double Loss, Dictionary<string, double> AuxiliaryLosses)
    {
        /// <summary>The index of the first micro-batch whose task loss is NaN or infinite, or <c>null</c>.</summary>
        public int? FirstNonFinite => TaskLosses.Select((loss, micro) => (loss, micro)).Where(l => !double.IsFinite(l.loss))
            .Select(l => (int?)l.micro).FirstOrDefault();
    }

    /// <summary>Keeps one micro-batch's task loss and auxiliary losses (detached, on their device).</summary>
    public void Add(Tensor taskLoss, IReadOnlyList<(string Name, Tensor Loss)> auxiliary)
    {
        var losses = auxiliary.Select(a => a.Loss).Prepend(taskLoss).Select(l => l.detach().reshape(1).to_type(ScalarType.Float64)).ToList();
        _values.Add(losses.Count == 1 ? losses[0] : cat(losses));
        _auxiliaryNames.Add(auxiliary.Select(a => a.Name).ToList());
    }

    /// <summary>
    /// Reads every kept loss in one device-to-host copy and averages over <paramref name="microBatches"/>, summing on the
    /// host in micro-batch order, in double precision, from float64 values: the numbers a per-micro-batch read gave.
    /// </summary>
    public Values Read(int microBatches)
    {
        using var scope = NewDisposeScope();
        double[] read = (_values.Count == 1 ? _values[0] : cat(_values)).cpu().data<double>().ToArray();
        var taskLosses = new double[_values.Count];
        double loss = 0;
        var auxiliary = new Dictionary<string, double>();
        int offset = 0;
        for (int micro = 0; micro < _values.Count; micro++)
        {
            taskLosses[micro] = read[offset];
            loss += read[offset] / microBatches;
            var names = _auxiliaryNames[micro];
            for (int i = 0; i < names.Count; i++)
                auxiliary[names[i]] = auxiliary.GetValueOrDefault(names[i]) + read[offset + 1 + i] / microBatches;
            offset += 1 + names.Count;
        }
        return new Values(taskLosses, loss, auxiliary);
    }
}
