using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Multimodal;

/// <summary>
/// A collated batch. Each media sample's placeholder is already expanded to the encoder's token count, so the
/// encoder outputs of modality <c>m</c> fill, in sample order, the positions where <see cref="InputIds"/> holds
/// <c>m</c>'s placeholder id.
/// </summary>
public sealed class ModelBatch : IDisposable
{
    /// <summary>Token ids, <c>B x N</c> (int64), right-padded.</summary>
    public required Tensor InputIds { get; init; }

    /// <summary>Next-token targets aligned with <see cref="InputIds"/>: the id at positions whose token is supervised (answer tokens), -100 elsewhere.</summary>
    public required Tensor Labels { get; init; }

    /// <summary>Real (non-padding) tokens, <c>B x N</c> bool.</summary>
    public required Tensor TokenMask { get; init; }

    /// <summary>Per sample, whether it carries media, <c>B</c> bool.</summary>
    public required Tensor HasMedia { get; init; }

    /// <summary>
    /// Per modality: the collated media of the samples that have it (in sample order), the placeholder id, and how many
    /// positions of <see cref="InputIds"/> hold that id (counted on the host when the batch is built, so the forward's
    /// check that the media fill them needs no read from the device).
    /// </summary>
    public required IReadOnlyDictionary<string, (Tensor Media, int PlaceholderId, long PlaceholderPositions)> Media { get; init; }

    /// <summary>The samples' categories (for per-category accuracy), in batch order.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    public void Dispose()
    {
        InputIds.Dispose();
        Labels.Dispose();
        TokenMask.Dispose();
        HasMedia.Dispose();
        foreach (var (media, _, _) in Media.Values) media.Dispose();
    }
}
