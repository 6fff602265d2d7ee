using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Modules.Multimodal;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// An <see cref="IStepObservation"/> built from a copy of the trainable parameters taken before the optimizer step.
/// To run a mix, it copies the before-step values into the groups that should not be updated, runs the batch in
/// evaluation mode without gradients, and restores the after-step values.
/// </summary>
public sealed class SnapshotStepObservation : IStepObservation, IDisposable
{
    private readonly MultimodalModel _model;
    private readonly ModelBatch _batch;
    private readonly IReadOnlyList<(string Side, Parameter Parameter, Tensor Before)> _snapshot;

    private SnapshotStepObservation(long step, MultimodalModel model, ModelBatch batch,
        IReadOnlyList<(string Side, Parameter Parameter, Tensor Before)> snapshot)
    {
        Step = step;
        _model = model;
        _batch = batch;
        _snapshot = snapshot;
        Groups = snapshot.Select(s => s.Side).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Copies the trainable parameters now (call before the optimizer step); complete with <see cref="After"/>.</summary>
    public static Func<ModelBatch, SnapshotStepObservation> Before(long step, MultimodalModel model,
        IReadOnlyList<(string Name, Parameter Parameter)> trainable)
    {
        using var noGrad = no_grad();
        var snapshot = trainable
            .Select(p => (ParameterInventory.SideOf(p.Name), p.Parameter, p.Parameter.detach().clone().DetachFromDisposeScope()))
            .ToList();
        return batch => new SnapshotStepObservation(step, model, batch, snapshot);
    }

    public long Step { get; }

    public IReadOnlyList<string> Groups { get; }

    public Tensor AnswerLogProbabilities(IReadOnlyCollection<string> updatedGroups)
    {
        var swapped = _snapshot.Where(s => !updatedGroups.Contains(s.Side)).ToList();
        bool wasTraining = _model.training;
        var after = new List<Tensor>();
        using var noGrad = no_grad();
        try
        {
            foreach (var (_, parameter, before) in swapped)
            {
                after.Add(parameter.detach().clone());
                parameter.copy_(before);
            }
            _model.eval();
            using var scope = NewDisposeScope();
            return _model.ForwardSupervised(_batch).Logits.log_softmax(-1).MoveToOuterDisposeScope();
        }
        finally
        {
            for (int i = 0; i < after.Count; i++) swapped[i].Parameter.copy_(after[i]);
            foreach (var tensor in after) tensor.Dispose();
            _model.train(wasTraining);
        }
    }

    public void Dispose()
    {
        foreach (var (_, _, before) in _snapshot) before.Dispose();
    }
}
