using Pipeline.Contracts.Media;
using Pipeline.Host.Data;

namespace Pipeline.Host.Training;

/// <summary>
/// A batch made ready without TorchSharp (so a background thread can make it): padded token ids, labels and mask as
/// arrays of <c>Samples.Count x Length</c>, and the decoded media of each modality in sample order.
/// <see cref="BatchCollator.ToModelBatch"/> turns it into tensors.
/// </summary>
/// <param name="Samples">The batch's samples, in order.</param>
/// <param name="Length">The longest sample's token count (media tokens included): the padded row length.</param>
/// <param name="Ids">Token ids, row-major, padded with the tokenizer's padding id.</param>
/// <param name="Labels">The next token where it is supervised, else <see cref="BatchCollator.IgnoredLabel"/>.</param>
/// <param name="Mask">Which positions hold a token rather than padding.</param>
/// <param name="Media">Decoded media by modality, in the order of the samples that have them.</param>
public sealed record PreparedBatch(IReadOnlyList<TokenizedSample> Samples, int Length, long[] Ids, long[] Labels, bool[] Mask,
    IReadOnlyDictionary<string, IReadOnlyList<MediaItem>> Media)
{
    /// <summary>The real (non-padding) tokens of the batch, media tokens included: the set entries of <see cref="Mask"/>, counted on the host.</summary>
    public long TokenCount => Mask.LongCount(real => real);

    /// <summary>How many positions of <see cref="Ids"/> hold <paramref name="id"/>, counted on the host.</summary>
    public long Positions(long id) => Ids.LongCount(t => t == id);
}
