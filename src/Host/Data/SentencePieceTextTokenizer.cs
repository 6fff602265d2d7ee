using Microsoft.ML.Tokenizers;

namespace Pipeline.Host.Data;

/// <summary>
/// A SentencePiece <c>tokenizer.model</c> (BPE or unigram, as LLaMA uses) read by Microsoft.ML.Tokenizers. Text
/// around placeholders is encoded segment by segment, as LLaVA does; placeholders the model lacks get ids after its
/// vocabulary. The padding id is the model's <c>&lt;pad&gt;</c> if it has one, else its unknown token.
/// </summary>
public sealed class SentencePieceTextTokenizer : ITextTokenizer
{
    private readonly SentencePieceTokenizer _model;
    private readonly SpecialTokenTable _special;

    private SentencePieceTextTokenizer(SentencePieceTokenizer model)
    {
        _model = model;
        var vocabulary = model.Vocabulary;
        int? LookUp(string token) => vocabulary.TryGetValue(token, out var id) ? id : null;
        var size = vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1;
        _special = new SpecialTokenTable(size, LookUp, model.BeginningOfSentenceId, model.EndOfSentenceId,
            LookUp("<pad>"), model.UnknownId, model.SpecialTokens?.Values ?? [], ControlPieces(model));
    }

    /// <summary>The pieces text never splits: the BOS and EOS pieces (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>) and the model's special tokens.</summary>
    private static IEnumerable<KeyValuePair<string, int>> ControlPieces(SentencePieceTokenizer model)
    {
        foreach (var (piece, id) in model.Vocabulary)
        {
            if (id == model.BeginningOfSentenceId || id == model.EndOfSentenceId)
            {
                yield return new(piece, id);
            }
        }
        foreach (var token in model.SpecialTokens ?? new Dictionary<string, int>())
        {
            yield return token;
        }
    }

    /// <summary>Reads a SentencePiece model file.</summary>
    /// <param name="path">The <c>tokenizer.model</c> file.</param>
    /// <param name="reader">Reads the file; <see cref="DataFileReader.Default"/> when omitted.</param>
    /// <exception cref="InvalidDataException">The file is not a SentencePiece model this library supports.</exception>
    public static SentencePieceTextTokenizer Load(string path, DataFileReader? reader = null)
    {
        using var stream = new MemoryStream((reader ?? DataFileReader.Default).ReadAllBytes(path), writable: false);
        try
        {
            return new SentencePieceTextTokenizer(SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false));
        }
        catch (Exception error) when (error is not IOException)
        {
            throw new InvalidDataException($"cannot read SentencePiece model '{path}': {error.Message}", error);
        }
    }

    /// <inheritdoc />
    public int VocabularySize => _special.VocabularySize;

    /// <inheritdoc />
    public int PadId => _special.PadId;

    /// <inheritdoc />
    public int BosId => _special.BosId;

    /// <inheritdoc />
    public int EosId => _special.EosId;

    /// <inheritdoc />
    public int PlaceholderId(string modality) => _special.PlaceholderId(modality);

    /// <inheritdoc />
    public int? ControlTokenId(string token) => _special.ControlTokenId(token);

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) =>
        _special.Encode(text, segment => _model.EncodeToIds(segment, addBeginningOfSentence: false, addEndOfSentence: false));

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) => _model.Decode(ids.Where(id => !_special.IsSpecial(id)), considerSpecialTokens: false);
}
