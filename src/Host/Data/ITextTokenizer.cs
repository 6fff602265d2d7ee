namespace Pipeline.Host.Data;

/// <summary>
/// Turns text into token ids and back. Media placeholders (<c>&lt;image&gt;</c>, <c>&lt;audio&gt;</c>) written in the
/// text become single ids that the model later replaces with the encoder's embeddings.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids, special tokens and placeholders included; every id is below it.</summary>
    int VocabularySize { get; }

    /// <summary>The id used to pad a batch; padded positions are masked out.</summary>
    int PadId { get; }

    /// <summary>The beginning-of-sequence id (never added by <see cref="Encode"/>).</summary>
    int BosId { get; }

    /// <summary>The end-of-sequence id (never added by <see cref="Encode"/>).</summary>
    int EosId { get; }

    /// <summary>The id of the placeholder <c>&lt;modality&gt;</c>, for <c>image</c> or <c>audio</c>.</summary>
    /// <exception cref="ArgumentException">The modality has no placeholder.</exception>
    int PlaceholderId(string modality);

    /// <summary>
    /// The single id of a control token spelled <paramref name="token"/> (such as <c>&lt;|im_start|&gt;</c> or
    /// <c>&lt;|eot_id|&gt;</c>), or <c>null</c> when the tokenizer has no such token; conversation templates then encode
    /// the spelling as ordinary text.
    /// </summary>
    int? ControlTokenId(string token);

    /// <summary>Encodes text without BOS or EOS; placeholders in the text map to their placeholder ids.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids to text, skipping special tokens (padding, BOS, EOS, unknown and placeholders).</summary>
    string Decode(IEnumerable<int> ids);
}
