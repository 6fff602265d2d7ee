namespace Pipeline.Contracts.Media;

/// <summary>One sample's decoded media, as the data layer hands it to an encoder's <c>Collate</c>.</summary>
/// <param name="SourceId">The sample id and, where there is one, the file it came from; used in error messages.</param>
public abstract record MediaItem(string SourceId)
{
    /// <summary>The modality this item belongs to: <c>image</c> or <c>audio</c> (the placeholder is <c>&lt;modality&gt;</c>).</summary>
    public abstract string Modality { get; }
}
