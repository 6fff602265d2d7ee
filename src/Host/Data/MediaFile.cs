using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>
/// An image (PNG or JPEG, <see cref="ImageFileDecoder"/>) or a WAV clip (<see cref="WavFileReader"/>) on disk, read
/// through a <see cref="DataFileReader"/> (transient errors retried) and decoded each time it is loaded.
/// </summary>
/// <param name="modality"><c>image</c> or <c>audio</c>.</param>
/// <param name="path">The file's path.</param>
/// <param name="sourceId">The sample id and the path as the data file names it, for messages: <c>img-3 (media/a.png)</c>.</param>
/// <param name="reader">Reads the file.</param>
public sealed class MediaFile(string modality, string path, string sourceId, DataFileReader reader) : MediaSource
{
    /// <inheritdoc />
    public override string Modality { get; } = modality is "image" or "audio"
        ? modality
        : throw MediaPlaceholders.UnknownModality(modality);

    /// <summary>The file's path.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public override string SourceId { get; } = sourceId;

    /// <inheritdoc />
    public override string? SharingKey => Path;

    /// <inheritdoc />
    public override MediaItem Load() =>
        Modality == "image" ? ImageFileDecoder.Decode(Path, SourceId, reader) : WavFileReader.Read(Path, SourceId, reader);
}
