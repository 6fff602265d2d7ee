using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Multimodal;

/// <summary>The result of a model forward.</summary>
/// <param name="Logits">
/// Next-token logits: <c>B x N x V</c> from <see cref="MultimodalModel.Forward"/>, <c>M x V</c> (the supervised
/// positions only, in batch then position order) from <see cref="MultimodalModel.ForwardSupervised"/>.
/// </param>
/// <param name="AuxiliaryLosses">Weighted auxiliary losses reported by adapters during the forward.</param>
public sealed record ModelOutput(Tensor Logits, IReadOnlyList<(string Name, Tensor Loss)> AuxiliaryLosses)
{
    /// <summary>
    /// Per-sample statistics reported by adapters (<c>B x K</c> float32 each, see
    /// <see cref="Pipeline.Contracts.Adapters.ForwardContext.AddSampleStatistic"/>); empty unless the forward was asked to
    /// collect them.
    /// </summary>
    public IReadOnlyList<(string Name, Tensor PerSample)> SampleStatistics { get; init; } = [];
}
