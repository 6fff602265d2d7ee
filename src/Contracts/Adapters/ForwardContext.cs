using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// What an adapter may know about the batch being run, beyond the tensor its module receives, and where it
/// reports auxiliary losses. The host creates one per model forward and makes it current through
/// <see cref="IForwardContextAccessor"/> for the duration of that forward (single-threaded).
/// </summary>
public sealed class ForwardContext
{
    private readonly List<(string Name, Tensor Loss)> _auxiliaryLosses = [];

    /// <param name="tokenMask">Real (non-padding) tokens of the LLM sequence, <c>B x N</c> bool, before any prefix.</param>
    /// <param name="sampleHasMedia">Per sample, whether it carries a non-text modality, <c>B</c> bool.</param>
    /// <param name="isTraining">Whether this forward is a training forward.</param>
    public ForwardContext(Tensor tokenMask, Tensor sampleHasMedia, bool isTraining)
    {
        TokenMask = tokenMask;
        SampleHasMedia = sampleHasMedia;
        IsTraining = isTraining;
    }

    /// <summary>Real (non-padding) tokens, <c>B x N</c> bool, over the text positions (no prefix).</summary>
    public Tensor TokenMask { get; }

    /// <summary>Per sample, whether it carries an image or audio clip (<c>B</c> bool). MMA's modality index.</summary>
    public Tensor SampleHasMedia { get; }

    /// <summary>Whether this is a training forward (auxiliary losses are only used when it is).</summary>
    public bool IsTraining { get; }

    /// <summary>Auxiliary losses reported during this forward, in report order.</summary>
    public IReadOnlyList<(string Name, Tensor Loss)> AuxiliaryLosses => _auxiliaryLosses;

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
}
