namespace Pipeline.Host.Data.Templates;

/// <summary>
/// The project's own format (<c>data.template: plain</c>): BOS, then each turn's text as it stands, with nothing
/// between turns, and EOS after every answer. It has no system prompt.
/// </summary>
public sealed class PlainTemplate : ConversationTemplate
{
    /// <inheritdoc />
    public override ConversationTemplateName Name => ConversationTemplateName.Plain;

    /// <inheritdoc />
    public override string DefaultSystemPrompt => "";

    /// <inheritdoc />
    public override bool HasSystemPrompt => false;

    private protected override void Write(SegmentWriter writer, IReadOnlyList<ConversationTurn> turns, string systemPrompt)
    {
        writer.Bos("<bos>");
        foreach (var turn in turns)
        {
            if (IsAnswer(turn))
            {
                writer.Answer(turn.Value);
                writer.Eos("<eos>", supervised: true);
            }
            else
            {
                // Each turn is encoded on its own, as before templates existed.
                writer.Prompt(turn.Value);
                writer.Break();
            }
        }
    }
}
