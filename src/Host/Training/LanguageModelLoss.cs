using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>Cross-entropy on supervised (answer) positions, and the logits of those positions.</summary>
public static class LanguageModelLoss
{
    /// <summary>Mean cross-entropy over positions whose label is not <see cref="BatchCollator.IgnoredLabel"/>.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) =>
        nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: BatchCollator.IgnoredLabel);

    /// <summary>The logits of supervised positions, <c>M x V</c>, in batch then position order.</summary>
    public static Tensor AnswerLogits(Tensor logits, Tensor labels)
    {
        Tensor flat = logits.reshape(-1, logits.shape[^1]);
        Tensor positions = labels.reshape(-1).ne(BatchCollator.IgnoredLabel).nonzero().squeeze(1);
        return flat.index_select(0, positions);
    }
}
