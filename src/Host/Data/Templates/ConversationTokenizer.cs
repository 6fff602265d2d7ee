using Pipeline.Host.Config;

namespace Pipeline.Host.Data.Templates;

/// <summary>
/// Turns a conversation into token ids through a template. Each segment is encoded on its own: text with the
/// tokenizer (placeholders become single placeholder ids, not expanded), BOS and EOS as the tokenizer's ids, a
/// marker as the tokenizer's control token of that spelling, or as text when it has none. Every id of a segment
/// takes the segment's supervision.
/// </summary>
public sealed class ConversationTokenizer
{
    private readonly ITextTokenizer _tokenizer;
    private readonly string _systemPrompt;

    /// <param name="tokenizer">Encodes text and knows the special ids.</param>
    /// <param name="template">The conversation format.</param>
    /// <param name="systemPrompt">The system prompt; empty for the template's default.</param>
    /// <exception cref="ArgumentException">A system prompt is given to a template without one.</exception>
    public ConversationTokenizer(ITextTokenizer tokenizer, ConversationTemplate template, string systemPrompt = "")
    {
        if (!template.HasSystemPrompt && systemPrompt.Length > 0)
        {
            throw new ArgumentException($"the {template.ConfigName} template has no system prompt", nameof(systemPrompt));
        }
        (_tokenizer, Template, _systemPrompt) = (tokenizer, template, systemPrompt);
    }

    /// <summary>The tokenizer and template that <c>data.template</c> and <c>data.system_prompt</c> choose.</summary>
    public static ConversationTokenizer For(ITextTokenizer tokenizer, DataConfig data) =>
        new(tokenizer, ConversationTemplates.For(data.Template), data.SystemPrompt);

    /// <summary>The conversation format.</summary>
    public ConversationTemplate Template { get; }

    /// <summary>Renders <paramref name="turns"/> with the template and the configured system prompt.</summary>
    public RenderedConversation Render(IReadOnlyList<ConversationTurn> turns) => Template.Render(turns, _systemPrompt);

    /// <summary>Token ids and per-token supervision of <paramref name="turns"/>.</summary>
    public TokenizedConversation Tokenize(IReadOnlyList<ConversationTurn> turns)
    {
        var ids = new List<int>();
        var supervised = new List<bool>();
        foreach (var segment in Render(turns).Segments)
        {
            var segmentIds = IdsOf(segment);
            ids.AddRange(segmentIds);
            supervised.AddRange(Enumerable.Repeat(segment.Supervised, segmentIds.Count));
        }
        return new TokenizedConversation([.. ids], [.. supervised]);
    }

    private IReadOnlyList<int> IdsOf(TemplateSegment segment) => segment.Kind switch
    {
        TemplateSegmentKind.Bos => [_tokenizer.BosId],
        TemplateSegmentKind.Eos => [_tokenizer.EosId],
        TemplateSegmentKind.Control when _tokenizer.ControlTokenId(segment.Text) is { } id => [id],
        _ => _tokenizer.Encode(segment.Text),
    };
}
