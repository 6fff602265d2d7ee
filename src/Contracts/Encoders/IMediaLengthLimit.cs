using Pipeline.Contracts.Media;

namespace Pipeline.Contracts.Encoders;

/// <summary>
/// Optional, for an <see cref="IEncoder"/> with a fixed input length (the <c>audio</c> encoder's <c>clip_seconds</c>):
/// says which media its <see cref="IEncoder.Collate"/> will cut, so the host can report them before training (how
/// many per split, and the longest) instead of letting them be cut silently. The host asks once per sample, after
/// <see cref="IEncoder.Collate"/> accepted the item; an encoder that does not implement this is assumed to cut nothing.
/// Added in contracts 1.3.
/// </summary>
public interface IMediaLengthLimit
{
    /// <summary>
    /// How <see cref="IEncoder.Collate"/> will shorten <paramref name="item"/>, or <c>null</c> when it keeps all of it
    /// (the item fits, or is padded). Must not allocate tensors.
    /// </summary>
    MediaCut? CutOf(MediaItem item);
}
