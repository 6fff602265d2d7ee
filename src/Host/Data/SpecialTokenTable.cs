namespace Pipeline.Host.Data;

/// <summary>
/// Resolves the special ids of a library tokenizer: BOS, EOS, padding and the media placeholders. Tokens the model
/// already has keep their ids; missing placeholders (and a padding token, when the model has neither a padding nor
/// an unknown token) get new ids right after the model's vocabulary, in the order <c>&lt;image&gt;</c>,
/// <c>&lt;audio&gt;</c>, <c>&lt;pad&gt;</c>.
/// </summary>
internal sealed class SpecialTokenTable
{
    private readonly Dictionary<string, int> _placeholders = new(StringComparer.Ordinal);
    private readonly HashSet<int> _specialIds = [];
    private readonly Dictionary<string, int> _controlTokens = new(StringComparer.Ordinal);

    /// <param name="modelVocabularySize">One more than the largest id of the model.</param>
    /// <param name="lookUp">Finds a token of the model by its text.</param>
    /// <param name="bosId">The model's beginning-of-sequence id.</param>
    /// <param name="eosId">The model's end-of-sequence id.</param>
    /// <param name="padId">The model's padding id, if it has one.</param>
    /// <param name="unkId">The model's unknown-token id, if it has one; used for padding when there is no padding token (as LLaVA does).</param>
    /// <param name="otherSpecialIds">Further ids that decoding skips (control tokens).</param>
    /// <param name="controlTokens">The model's tokens that text never splits, by spelling (for <see cref="ControlTokenId"/>).</param>
    public SpecialTokenTable(int modelVocabularySize, Func<string, int?> lookUp, int bosId, int eosId, int? padId, int? unkId,
        IEnumerable<int> otherSpecialIds, IEnumerable<KeyValuePair<string, int>>? controlTokens = null)
    {
        foreach (var (spelling, id) in controlTokens ?? [])
        {
            _controlTokens.TryAdd(spelling, id);
        }
        var next = modelVocabularySize;
        foreach (var modality in MediaPlaceholders.Modalities)
        {
            _placeholders[modality] = lookUp(MediaPlaceholders.For(modality)) ?? next++;
        }
        PadId = padId ?? unkId ?? lookUp("<pad>") ?? next++;
        (BosId, EosId, VocabularySize) = (bosId, eosId, next);
        _specialIds.UnionWith([BosId, EosId, PadId, .. _placeholders.Values, .. otherSpecialIds]);
        if (unkId is { } unknown)
        {
            _specialIds.Add(unknown);
        }
        ModelVocabularySize = modelVocabularySize;
    }

    /// <summary>The model's vocabulary size: ids from here on were added by this table.</summary>
    public int ModelVocabularySize { get; }

    /// <summary>The model's vocabulary plus the added tokens.</summary>
    public int VocabularySize { get; }

    public int BosId { get; }

    public int EosId { get; }

    public int PadId { get; }

    public int PlaceholderId(string modality) =>
        _placeholders.TryGetValue(modality, out var id) ? id : throw MediaPlaceholders.UnknownModality(modality);

    /// <summary>The id of the control token spelled <paramref name="token"/>, or <c>null</c> when the model has none.</summary>
    public int? ControlTokenId(string token) => _controlTokens.TryGetValue(token, out var id) ? id : null;

    /// <summary>Whether decoding skips <paramref name="id"/>.</summary>
    public bool IsSpecial(int id) => id >= ModelVocabularySize || _specialIds.Contains(id);

    /// <summary>Encodes text by encoding each plain segment with <paramref name="encodeSegment"/> and mapping placeholders.</summary>
    public IReadOnlyList<int> Encode(string text, Func<string, IEnumerable<int>> encodeSegment)
    {
        var ids = new List<int>();
        foreach (var (segment, modality) in MediaPlaceholders.Split(text))
        {
            if (modality is null)
            {
                ids.AddRange(encodeSegment(segment));
            }
            else
            {
                ids.Add(PlaceholderId(modality));
            }
        }
        return ids;
    }
}
