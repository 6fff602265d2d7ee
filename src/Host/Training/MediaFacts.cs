using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;

namespace Pipeline.Host.Training;

/// <summary>What the data check keeps of a decoded media item for the report, so the item itself can be dropped.</summary>
/// <param name="Modality"><c>image</c> or <c>audio</c>.</param>
/// <param name="SourceChannels">Channels the file had before averaging to mono (1 for images).</param>
/// <param name="Cut">The cut the encoder will make, or <c>null</c>.</param>
/// <param name="File">The media file (samples that share it share these facts), or <c>null</c> for media in memory.</param>
public sealed record MediaFacts(string Modality, int SourceChannels, MediaCut? Cut, string? File = null)
{
    /// <summary>The facts of <paramref name="media"/> and its cut.</summary>
    public static MediaFacts Of(MediaItem media, MediaCut? cut, string? file = null) =>
        new(media.Modality, (media as AudioItem)?.SourceChannels ?? 1, cut, file);
}
