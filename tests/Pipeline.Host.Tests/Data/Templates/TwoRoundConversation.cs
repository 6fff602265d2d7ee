using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data.Templates;

/// <summary>The conversation every template test renders: two rounds, an image in the first user turn, a system prompt.</summary>
internal static class TwoRoundConversation
{
    public const string SystemPrompt = "You describe pictures.";

    public static IReadOnlyList<ConversationTurn> Turns { get; } =
    [
        new(ConversationTurn.Human, "<image>\nWhat is in the picture?"),
        new(ConversationTurn.Assistant, "A red circle."),
        new(ConversationTurn.Human, "How many are there?"),
        new(ConversationTurn.Assistant, "One."),
    ];

    /// <summary>Every text of the conversation, for building a word vocabulary from "the data".</summary>
    public static IEnumerable<string> Texts => Turns.Select(t => t.Value).Append(SystemPrompt);
}
