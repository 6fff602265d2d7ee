namespace Pipeline.Host.Data.Templates;

/// <summary>A conversation as token ids, each placeholder still a single id, with per-token supervision.</summary>
/// <param name="Ids">The token ids in order.</param>
/// <param name="Supervised">For each id, whether the model learns to produce it (answers and their end markers).</param>
public sealed record TokenizedConversation(int[] Ids, bool[] Supervised);
