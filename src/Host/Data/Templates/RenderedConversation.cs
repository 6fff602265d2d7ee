namespace Pipeline.Host.Data.Templates;

/// <summary>A conversation written in a template's format, as an ordered list of segments.</summary>
/// <param name="Segments">The pieces in order; their texts joined are the format's text.</param>
public sealed record RenderedConversation(IReadOnlyList<TemplateSegment> Segments)
{
    /// <summary>The whole conversation as the format writes it.</summary>
    public string Text => string.Concat(Segments.Select(s => s.Text));

    /// <summary>Whether the sequence starts with the tokenizer's beginning-of-sequence id.</summary>
    public bool StartsWithBos => Segments.Count > 0 && Segments[0].Kind == TemplateSegmentKind.Bos;
}
