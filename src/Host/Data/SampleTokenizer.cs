using Pipeline.Host.Config;
using Pipeline.Host.Data.Templates;

namespace Pipeline.Host.Data;

/// <summary>
/// Tokenises a sample's conversation once, through its conversation template (<c>data.template</c>; by default
/// <c>plain</c>: <c>&lt;bos&gt;</c>, each turn's tokens, <c>&lt;eos&gt;</c> after every answer). Only answer tokens
/// and their end-of-turn markers are supervised. A media placeholder stays one id; the collator expands it to its
/// encoder's token count.
/// </summary>
public sealed class SampleTokenizer(ConversationTokenizer conversations)
{
    /// <summary>The template and system prompt <paramref name="data"/> configures, over <paramref name="tokenizer"/>.</summary>
    public static SampleTokenizer For(ITextTokenizer tokenizer, DataConfig data) => new(ConversationTokenizer.For(tokenizer, data));

    /// <summary>The sample's tokens and their supervision; no length check.</summary>
    public TokenizedSample Tokenize(Sample sample)
    {
        var conversation = conversations.Tokenize(sample.Turns);
        return new TokenizedSample(sample.Id, sample.Category, sample.Location, sample.Media, conversation.Ids, conversation.Supervised);
    }
}
