using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Cross-entropy on supervised (answer) positions, the positions whose label is not
/// <see cref="BatchCollator.IgnoredLabel"/>. Training and evaluation work from answer logits (<c>M x V</c>, one row per
/// supervised position in batch then position order, as <see cref="Modules.Multimodal.MultimodalModel.ForwardSupervised"/>
/// returns them); the full-logits forms serve checks that have every position's logits.
/// </summary>
public static class LanguageModelLoss
{
    /// <summary>Mean cross-entropy of full logits (<c>B x N x V</c>) over the supervised positions.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) =>
        nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: BatchCollator.IgnoredLabel);

    /// <summary>Mean cross-entropy of answer logits (<c>M x V</c>) against the supervised labels of <paramref name="labels"/> (<c>B x N</c>).</summary>
    public static Tensor AnswerCrossEntropy(Tensor answerLogits, Tensor labels) =>
        nn.functional.cross_entropy(answerLogits, SupervisedLabels(labels));

    /// <summary>The logits of supervised positions, <c>M x V</c>, in batch then position order, taken from full logits (<c>B x N x V</c>).</summary>
    public static Tensor AnswerLogits(Tensor logits, Tensor labels) =>
        logits.reshape(-1, logits.shape[^1]).index_select(0, SupervisedPositions(labels));

    /// <summary>The labels of supervised positions, <c>M</c>, in batch then position order.</summary>
    public static Tensor SupervisedLabels(Tensor labels) => labels.reshape(-1).index_select(0, SupervisedPositions(labels));

    /// <summary>Flat indices (<c>sample x N + position</c>) of the supervised positions of <paramref name="labels"/> (<c>B x N</c>), <c>M</c>, ascending.</summary>
    public static Tensor SupervisedPositions(Tensor labels) => labels.reshape(-1).ne(BatchCollator.IgnoredLabel).nonzero().squeeze(1);
}
