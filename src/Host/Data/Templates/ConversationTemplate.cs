namespace Pipeline.Host.Data.Templates;

/// <summary>
/// A conversation format: writes a conversation as segments of text, markers and BOS/EOS ids, each supervised or not.
/// Only answer (<c>gpt</c>) text and the marker that ends an answer are supervised; role headers, separators, the
/// system prompt and user turns are not. Every turn that is not an answer is a user turn.
/// </summary>
public abstract class ConversationTemplate
{
    /// <summary>The template's name (YAML <c>data.template</c>).</summary>
    public abstract ConversationTemplateName Name { get; }

    /// <summary>The name as YAML writes it (<c>llava_v1</c>).</summary>
    public string ConfigName => Config.Binding.SnakeCase.FromPascalCase(Name.ToString());

    /// <summary>The system prompt used when none is configured; empty when the format then has no system part.</summary>
    public abstract string DefaultSystemPrompt { get; }

    /// <summary>Whether the format has a system prompt at all.</summary>
    public virtual bool HasSystemPrompt => true;

    /// <summary>Writes <paramref name="turns"/> in the format.</summary>
    /// <param name="turns">The conversation, user and answer turns alternating.</param>
    /// <param name="systemPrompt">The system prompt; empty for <see cref="DefaultSystemPrompt"/>.</param>
    /// <exception cref="ArgumentException">A system prompt is given to a template without one.</exception>
    public RenderedConversation Render(IReadOnlyList<ConversationTurn> turns, string systemPrompt = "")
    {
        if (!HasSystemPrompt && systemPrompt.Length > 0)
        {
            throw new ArgumentException($"the {ConfigName} template has no system prompt", nameof(systemPrompt));
        }
        var writer = new SegmentWriter();
        Write(writer, turns, systemPrompt.Length > 0 ? systemPrompt : DefaultSystemPrompt);
        return writer.Finish();
    }

    /// <summary>
    /// Every text the template writes whatever the conversation (role headers, separators, markers, the system
    /// prompt), so a vocabulary built from the data can include them. BOS and EOS are left out: they are ids, not text.
    /// </summary>
    /// <param name="systemPrompt">The configured system prompt; empty for <see cref="DefaultSystemPrompt"/>.</param>
    public IReadOnlyList<string> FixedTexts(string systemPrompt = "")
    {
        // Two rounds, so texts that only a later round writes are included too.
        ConversationTurn[] skeleton =
        [
            new(ConversationTurn.Human, ""), new(ConversationTurn.Assistant, ""),
            new(ConversationTurn.Human, ""), new(ConversationTurn.Assistant, ""),
        ];
        return Render(skeleton, systemPrompt).Segments
            .Where(s => s.Kind is TemplateSegmentKind.Text or TemplateSegmentKind.Control && s.Text.Length > 0)
            .Select(s => s.Text)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Whether <paramref name="turn"/> is an answer the model learns.</summary>
    protected static bool IsAnswer(ConversationTurn turn) => turn.From == ConversationTurn.Assistant;

    /// <summary>Writes the conversation; <paramref name="systemPrompt"/> is already resolved (empty = none).</summary>
    private protected abstract void Write(SegmentWriter writer, IReadOnlyList<ConversationTurn> turns, string systemPrompt);
}
