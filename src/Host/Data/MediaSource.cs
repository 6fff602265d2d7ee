using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>
/// A sample's media before decoding: a file on disk (<see cref="MediaFile"/>) or an item already in memory
/// (<see cref="DecodedMedia"/>). Samples hold these, not decoded pixels or waveforms, so a data set's resident size
/// does not grow with its sample count; media are decoded when a batch is prepared and dropped with it.
/// </summary>
public abstract class MediaSource
{
    /// <summary>The modality: <c>image</c> or <c>audio</c>.</summary>
    public abstract string Modality { get; }

    /// <summary>The sample id and, for a file, its path as the data names it; used in error messages.</summary>
    public abstract string SourceId { get; }

    /// <summary>
    /// A key equal for sources that decode to the same item (a file's full path), so checks can decode shared media
    /// once; <c>null</c> when there is nothing to share.
    /// </summary>
    public abstract string? SharingKey { get; }

    /// <summary>Decodes the media. Safe to call from any thread.</summary>
    /// <exception cref="InvalidDataException">The file cannot be decoded.</exception>
    /// <exception cref="MediaProblemException">The path is not a readable regular file, or the media are too large; the reason says which.</exception>
    /// <exception cref="IOException">The file cannot be read, even after retries (<see cref="FileNotFoundException"/> when it is gone).</exception>
    public abstract MediaItem Load();
}
