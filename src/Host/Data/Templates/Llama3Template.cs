namespace Pipeline.Host.Data.Templates;

/// <summary>
/// LLaMA-3 instruct (<c>data.template: llama3</c>): <c>&lt;|begin_of_text|&gt;</c>, then per message
/// <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{text}&lt;|eot_id|&gt;</c> with roles
/// <c>system</c>, <c>user</c>, <c>assistant</c>; texts are trimmed. <c>&lt;|eot_id|&gt;</c> ends an answer.
/// </summary>
public sealed class Llama3Template : ConversationTemplate
{
    private const string StartHeader = "<|start_header_id|>", EndHeader = "<|end_header_id|>", EndOfTurn = "<|eot_id|>";

    /// <inheritdoc />
    public override ConversationTemplateName Name => ConversationTemplateName.Llama3;

    /// <inheritdoc />
    public override string DefaultSystemPrompt => "";

    private protected override void Write(SegmentWriter writer, IReadOnlyList<ConversationTurn> turns, string systemPrompt)
    {
        writer.Bos("<|begin_of_text|>");
        if (systemPrompt.Length > 0)
        {
            Header(writer, "system");
            writer.Prompt(systemPrompt.Trim());
            writer.Control(EndOfTurn, supervised: false);
        }
        foreach (var turn in turns)
        {
            bool answer = IsAnswer(turn);
            Header(writer, answer ? "assistant" : "user");
            if (answer) writer.Answer(turn.Value.Trim());
            else writer.Prompt(turn.Value.Trim());
            writer.Control(EndOfTurn, supervised: answer);
        }
    }

    private static void Header(SegmentWriter writer, string role)
    {
        writer.Control(StartHeader, supervised: false);
        writer.Prompt(role);
        writer.Control(EndHeader, supervised: false);
        writer.Prompt("\n\n");
    }
}
