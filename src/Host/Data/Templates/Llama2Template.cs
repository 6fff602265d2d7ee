namespace Pipeline.Host.Data.Templates;

/// <summary>
/// LLaMA-2 chat (<c>data.template: llama2</c>): every round is
/// <c>&lt;s&gt;[INST] {user} [/INST] {answer} &lt;/s&gt;</c>, the system prompt wrapped in
/// <c>&lt;&lt;SYS&gt;&gt;\n...\n&lt;&lt;/SYS&gt;&gt;\n\n</c> at the start of the first user turn; turn texts are trimmed.
/// <c>[INST]</c> and <c>&lt;&lt;SYS&gt;&gt;</c> are ordinary text in LLaMA-2's vocabulary, so they are written as text.
/// </summary>
public sealed class Llama2Template : ConversationTemplate
{
    /// <inheritdoc />
    public override ConversationTemplateName Name => ConversationTemplateName.Llama2;

    /// <inheritdoc />
    public override string DefaultSystemPrompt => "";

    private protected override void Write(SegmentWriter writer, IReadOnlyList<ConversationTurn> turns, string systemPrompt)
    {
        writer.Bos("<s>");
        bool firstUserTurn = true, afterAnswer = false;
        foreach (var turn in turns)
        {
            if (IsAnswer(turn))
            {
                writer.Prompt(" ");
                writer.Answer(turn.Value.Trim() + " ");
                writer.Eos("</s>", supervised: true);
                afterAnswer = true;
                continue;
            }
            if (afterAnswer) writer.Bos("<s>");
            string system = firstUserTurn && systemPrompt.Length > 0 ? $"<<SYS>>\n{systemPrompt}\n<</SYS>>\n\n" : "";
            writer.Prompt($"[INST] {system}{turn.Value.Trim()} [/INST]");
            (firstUserTurn, afterAnswer) = (false, false);
        }
    }
}
