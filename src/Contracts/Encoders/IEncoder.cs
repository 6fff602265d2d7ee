using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Media;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Encoders;

/// <summary>
/// A feature encoder: turns a batch of one modality's media into a fixed number of feature tokens per sample,
/// which the host projects to the LLM width and splices in where the sample's placeholder
/// (<c>&lt;image&gt;</c>, <c>&lt;audio&gt;</c>) stands. It is also an adaptable component, so adapters can target it.
/// </summary>
public interface IEncoder : IAdaptableComponent, IDisposable
{
    /// <summary>The modality handled, matching <see cref="MediaItem.Modality"/>: <c>image</c> or <c>audio</c>.</summary>
    string Modality { get; }

    /// <summary>How many feature tokens <see cref="Encode"/> returns per sample (T).</summary>
    int TokenCount { get; }

    /// <summary>
    /// Converts decoded media into the batch tensor <see cref="Encode"/> takes, on <paramref name="device"/>
    /// (for example resizing images, padding or trimming audio). Throw <see cref="InvalidDataException"/> naming
    /// <see cref="MediaItem.SourceId"/> for media it cannot take (a wrong sample rate, say).
    /// </summary>
    Tensor Collate(IReadOnlyList<MediaItem> items, Device device);

    /// <summary>Encodes a collated batch into <c>B x TokenCount x Width</c> features.</summary>
    Tensor Encode(Tensor batch);
}
