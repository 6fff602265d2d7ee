namespace Pipeline.Contracts.Media;

/// <summary>A decoded RGB image: channel-major (3 x Height x Width) floats in [0, 1].</summary>
public sealed record ImageItem(string SourceId, float[] Pixels, int Height, int Width) : MediaItem(SourceId)
{
    /// <inheritdoc />
    public override string Modality => "image";
}
