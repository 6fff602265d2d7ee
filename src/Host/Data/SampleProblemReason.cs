namespace Pipeline.Host.Data;

/// <summary>Why a sample cannot be used. Metrics name each reason in snake_case (<c>skipped_missing_media</c>).</summary>
public enum SampleProblemReason
{
    /// <summary>The item is not a well-formed conversation (no id, no turns, a turn from an unknown speaker, two media items).</summary>
    Malformed,

    /// <summary>The placeholders in the text do not match the media: missing, repeated, of another modality, or in an answer.</summary>
    PlaceholderMismatch,

    /// <summary>The image or audio file does not exist (a symbolic link whose target does not exist included).</summary>
    MissingMedia,

    /// <summary>
    /// The media path names something that is not a readable regular file: a directory, a device, a named pipe or
    /// socket, a loop of symbolic links, a file the run may not read, or one that fails to read.
    /// </summary>
    UnreadableMedia,

    /// <summary>The image or audio file exists but cannot be decoded.</summary>
    CorruptMedia,

    /// <summary>The media exceed a limit checked before decoding (image pixels, file size), so they are refused unread.</summary>
    MediaTooLarge,

    /// <summary>The model has no encoder for the sample's media.</summary>
    NoEncoder,

    /// <summary>The encoder refused the media (for example a sample rate other than the one it expects).</summary>
    MediaRejected,

    /// <summary>The tokens, media tokens included, exceed <c>model.llm.max_sequence_length</c>.</summary>
    TooLong,
}
