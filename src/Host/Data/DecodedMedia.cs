using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>Media that already lives in memory (the built-in synthetic set generates it).</summary>
public sealed class DecodedMedia(MediaItem item) : MediaSource
{
    /// <summary>The item.</summary>
    public MediaItem Item { get; } = item;

    /// <inheritdoc />
    public override string Modality => Item.Modality;

    /// <inheritdoc />
    public override string SourceId => Item.SourceId;

    /// <inheritdoc />
    public override string? SharingKey => null;

    /// <inheritdoc />
    public override MediaItem Load() => Item;
}
