namespace Pipeline.Host.Data;

/// <summary>One turn of an instruction conversation, as in LLaVA's JSON.</summary>
/// <param name="From">Who speaks: <c>human</c> (the instruction, never trained on) or <c>gpt</c> (the answer the model learns).</param>
/// <param name="Value">The text; a human turn of a media sample holds the placeholder <c>&lt;image&gt;</c> or <c>&lt;audio&gt;</c> once.</param>
public sealed record ConversationTurn(string From, string Value)
{
    /// <summary>The speaker name of instruction turns.</summary>
    public const string Human = "human";

    /// <summary>The speaker name of answer turns.</summary>
    public const string Assistant = "gpt";
}
