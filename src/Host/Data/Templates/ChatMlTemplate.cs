namespace Pipeline.Host.Data.Templates;

/// <summary>
/// ChatML (<c>data.template: chatml</c>): per message <c>&lt;|im_start|&gt;{role}\n{text}&lt;|im_end|&gt;\n</c> with
/// roles <c>system</c>, <c>user</c>, <c>assistant</c>; no BOS. <c>&lt;|im_end|&gt;</c> ends an answer; the newline
/// after it is not supervised.
/// </summary>
public sealed class ChatMlTemplate : ConversationTemplate
{
    private const string Start = "<|im_start|>", End = "<|im_end|>";

    /// <inheritdoc />
    public override ConversationTemplateName Name => ConversationTemplateName.Chatml;

    /// <inheritdoc />
    public override string DefaultSystemPrompt => "";

    private protected override void Write(SegmentWriter writer, IReadOnlyList<ConversationTurn> turns, string systemPrompt)
    {
        if (systemPrompt.Length > 0) Message(writer, "system", systemPrompt, answer: false);
        foreach (var turn in turns)
        {
            bool answer = IsAnswer(turn);
            Message(writer, answer ? "assistant" : "user", turn.Value, answer);
        }
    }

    private static void Message(SegmentWriter writer, string role, string text, bool answer)
    {
        writer.Control(Start, supervised: false);
        writer.Prompt(role + "\n");
        if (answer) writer.Answer(text);
        else writer.Prompt(text);
        writer.Control(End, supervised: answer);
        writer.Prompt("\n");
    }
}
