namespace Pipeline.Host.Data;

/// <summary>One training or evaluation example as read: a conversation and at most one media item, not yet decoded.</summary>
/// <param name="Id">A unique id, used in error messages and reports (for example <c>synthetic-image-train-00042</c>).</param>
/// <param name="Turns">Alternating turns, starting with a <see cref="ConversationTurn.Human"/> turn.</param>
/// <param name="Media">The image or audio (decoded only when a batch needs it), or <c>null</c> for a text-only sample.</param>
/// <param name="Category">
/// What the sample exercises, for per-category accuracy: <c>image</c>, <c>audio</c> or <c>text</c>
/// (for LLaVA JSON: the media's modality, or <c>text</c> without media).
/// </param>
public sealed record Sample(string Id, IReadOnlyList<ConversationTurn> Turns, MediaSource? Media, string Category)
{
    /// <summary>Where the sample was read from, for messages about it; <c>null</c> for generated samples.</summary>
    public SampleLocation? Location { get; init; }
}
