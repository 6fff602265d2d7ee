using System.Text;

namespace Pipeline.Host.Data.Templates;

/// <summary>
/// Collects a template's segments. Consecutive <see cref="Prompt"/> texts join into one unsupervised segment until
/// something else is written or <see cref="Break"/> is called, so each prompt is encoded as one piece of text.
/// </summary>
internal sealed class SegmentWriter
{
    private readonly List<TemplateSegment> _segments = [];
    private readonly StringBuilder _prompt = new();

    /// <summary>Appends unsupervised text (role headers, separators, the system prompt, user turns).</summary>
    public void Prompt(string text) => _prompt.Append(text);

    /// <summary>Ends the pending prompt text, so the next prompt text is a segment of its own.</summary>
    public void Break()
    {
        if (_prompt.Length == 0) return;
        _segments.Add(new TemplateSegment(_prompt.ToString(), TemplateSegmentKind.Text, Supervised: false));
        _prompt.Clear();
    }

    /// <summary>Appends an answer's text, supervised.</summary>
    public void Answer(string text) => Add(text, TemplateSegmentKind.Text, supervised: true);

    /// <summary>Appends the tokenizer's beginning-of-sequence id, spelled <paramref name="spelling"/>; never supervised.</summary>
    public void Bos(string spelling) => Add(spelling, TemplateSegmentKind.Bos, supervised: false);

    /// <summary>Appends the tokenizer's end-of-sequence id, spelled <paramref name="spelling"/>.</summary>
    public void Eos(string spelling, bool supervised) => Add(spelling, TemplateSegmentKind.Eos, supervised);

    /// <summary>Appends a marker of the format.</summary>
    public void Control(string spelling, bool supervised) => Add(spelling, TemplateSegmentKind.Control, supervised);

    /// <summary>The segments written so far.</summary>
    public RenderedConversation Finish()
    {
        Break();
        return new RenderedConversation(_segments.ToList());
    }

    private void Add(string text, TemplateSegmentKind kind, bool supervised)
    {
        Break();
        if (kind == TemplateSegmentKind.Text && text.Length == 0) return;
        _segments.Add(new TemplateSegment(text, kind, supervised));
    }
}
