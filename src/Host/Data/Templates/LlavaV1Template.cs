namespace Pipeline.Host.Data.Templates;

/// <summary>
/// Vicuna v1 as LLaVA-1.5 trains (<c>data.template: llava_v1</c>):
/// <c>&lt;s&gt;{system} USER: {user} ASSISTANT: {answer}&lt;/s&gt;USER: ...</c>. Turn texts are kept as written
/// (LLaVA's data already leads the first user turn with <c>&lt;image&gt;\n</c>).
/// </summary>
public sealed class LlavaV1Template : ConversationTemplate
{
    /// <summary>Vicuna v1's system line, which LLaVA-1.5 trains with.</summary>
    public const string VicunaSystemPrompt =
        "A chat between a curious user and an artificial intelligence assistant. " +
        "The assistant gives helpful, detailed, and polite answers to the user's questions.";

    /// <inheritdoc />
    public override ConversationTemplateName Name => ConversationTemplateName.LlavaV1;

    /// <inheritdoc />
    public override string DefaultSystemPrompt => VicunaSystemPrompt;

    private protected override void Write(SegmentWriter writer, IReadOnlyList<ConversationTurn> turns, string systemPrompt)
    {
        writer.Bos("<s>");
        writer.Prompt(systemPrompt + " ");
        foreach (var turn in turns)
        {
            if (IsAnswer(turn))
            {
                writer.Prompt("ASSISTANT: ");
                writer.Answer(turn.Value);
                writer.Eos("</s>", supervised: true);
            }
            else
            {
                writer.Prompt("USER: " + turn.Value + " ");
            }
        }
    }
}
