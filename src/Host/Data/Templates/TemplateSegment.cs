namespace Pipeline.Host.Data.Templates;

/// <summary>One piece of a rendered conversation.</summary>
/// <param name="Text">The piece as the format writes it.</param>
/// <param name="Kind">How the piece becomes token ids.</param>
/// <param name="Supervised">Whether the model learns to produce the piece: answer text and its end-of-turn marker only.</param>
public sealed record TemplateSegment(string Text, TemplateSegmentKind Kind, bool Supervised);
