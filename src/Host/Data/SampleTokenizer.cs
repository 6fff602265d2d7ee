namespace Pipeline.Host.Data;

/// <summary>
/// Tokenises a sample's conversation once: <c>&lt;bos&gt;</c>, then each turn's tokens and <c>&lt;eos&gt;</c> after
/// every answer (<c>gpt</c>) turn; only answer tokens and their <c>&lt;eos&gt;</c> are supervised. A media placeholder
/// stays one id; the collator expands it to its encoder's token count.
/// </summary>
public sealed class SampleTokenizer(ITextTokenizer tokenizer)
{
    /// <summary>The text tokenizer.</summary>
    public ITextTokenizer Text => tokenizer;

    /// <summary>The sample's tokens and their supervision; no length check.</summary>
    public TokenizedSample Tokenize(Sample sample)
    {
        var ids = new List<int> { tokenizer.BosId };
        var supervised = new List<bool> { false };
        foreach (var turn in sample.Turns)
        {
            bool answer = turn.From == ConversationTurn.Assistant;
            foreach (int id in tokenizer.Encode(turn.Value)) { ids.Add(id); supervised.Add(answer); }
            if (answer) { ids.Add(tokenizer.EosId); supervised.Add(true); }
        }
        return new TokenizedSample(sample.Id, sample.Category, sample.Location, sample.Media, [.. ids], [.. supervised]);
    }
}
