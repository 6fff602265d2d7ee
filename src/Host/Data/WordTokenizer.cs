using System.Text;
using System.Text.Json;

namespace Pipeline.Host.Data;

/// <summary>
/// A whole-word tokenizer for the synthetic data and small experiments: lower-cases, splits on whitespace and
/// makes each of <c>. , ? ! : ;</c> a token of its own. Ids 0-5 are <c>&lt;pad&gt;</c>, <c>&lt;bos&gt;</c>,
/// <c>&lt;eos&gt;</c>, <c>&lt;unk&gt;</c>, <c>&lt;image&gt;</c>, <c>&lt;audio&gt;</c>; the words follow in ordinal order.
/// </summary>
public sealed class WordTokenizer : ITextTokenizer
{
    /// <summary>The special tokens, in id order.</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } =
        ["<pad>", "<bos>", "<eos>", "<unk>", "<image>", "<audio>"];

    private const int UnknownId = 3;
    private const string FileFormat = "pipeline-word-tokenizer";
    private static readonly char[] Punctuation = ['.', ',', '?', '!', ':', ';'];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    private WordTokenizer(string[] tokens)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            if (!_ids.TryAdd(tokens[id], id))
            {
                throw new InvalidDataException($"word tokenizer vocabulary lists '{tokens[id]}' twice");
            }
        }
    }

    /// <inheritdoc />
    public int VocabularySize => _tokens.Length;

    /// <inheritdoc />
    public int PadId => 0;

    /// <inheritdoc />
    public int BosId => 1;

    /// <inheritdoc />
    public int EosId => 2;

    /// <summary>The id given to words not in the vocabulary.</summary>
    public int UnkId => UnknownId;

    /// <summary>The tokens in id order, special tokens first.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>Builds the vocabulary from every word of <paramref name="texts"/>; the result depends only on the set of words.</summary>
    public static WordTokenizer Build(IEnumerable<string> texts)
    {
        var builder = new Builder();
        foreach (var text in texts) builder.Add(text);
        return builder.Build();
    }

    /// <summary>Collects words from texts as they stream past, then builds the vocabulary; memory grows with distinct words only.</summary>
    public sealed class Builder
    {
        private readonly SortedSet<string> _words = new(StringComparer.Ordinal);

        /// <summary>Adds every word of <paramref name="text"/> (placeholders are not words).</summary>
        public void Add(string text)
        {
            foreach (var (segment, modality) in MediaPlaceholders.Split(text))
            {
                if (modality is not null) continue;
                foreach (var word in SplitWords(segment)) _words.Add(word);
            }
        }

        /// <summary>The vocabulary: special tokens, then the words in ordinal order.</summary>
        public WordTokenizer Build()
        {
            var words = new SortedSet<string>(_words, StringComparer.Ordinal);
            words.ExceptWith(SpecialTokens);
            return new WordTokenizer([.. SpecialTokens, .. words]);
        }
    }

    /// <summary>Loads a vocabulary written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a word tokenizer vocabulary.</exception>
    public static WordTokenizer Load(string path)
    {
        VocabularyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<VocabularyFile>(File.ReadAllText(path));
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"word tokenizer file '{path}' is not valid JSON: {error.Message}", error);
        }
        if (file is null || file.Format != FileFormat || file.Tokens is null)
        {
            throw new InvalidDataException($"word tokenizer file '{path}' has no \"format\": \"{FileFormat}\" and \"tokens\" list");
        }
        if (!file.Tokens.Take(SpecialTokens.Count).SequenceEqual(SpecialTokens))
        {
            throw new InvalidDataException(
                $"word tokenizer file '{path}' must start with the special tokens {string.Join(" ", SpecialTokens)}");
        }
        return new WordTokenizer([.. file.Tokens]);
    }

    /// <summary>Writes the vocabulary as JSON: <c>{"format": "pipeline-word-tokenizer", "tokens": [...]}</c>.</summary>
    public void Save(string path)
    {
        var json = JsonSerializer.Serialize(new VocabularyFile(FileFormat, _tokens), new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(path, json, new UTF8Encoding(false));
    }

    /// <inheritdoc />
    public int PlaceholderId(string modality) => modality switch
    {
        "image" => 4,
        "audio" => 5,
        _ => throw MediaPlaceholders.UnknownModality(modality),
    };

    /// <inheritdoc />
    /// <remarks>
    /// A word vocabulary has no control tokens: a template's markers (<c>&lt;|im_start|&gt;</c>, <c>[inst]</c>) are
    /// ordinary words, in the vocabulary when it was built with the template's fixed texts.
    /// </remarks>
    public int? ControlTokenId(string token) => null;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        var ids = new List<int>();
        foreach (var (segment, modality) in MediaPlaceholders.Split(text))
        {
            if (modality is not null)
            {
                ids.Add(PlaceholderId(modality));
                continue;
            }
            foreach (var word in SplitWords(segment))
            {
                ids.Add(_ids.TryGetValue(word, out var id) && id >= SpecialTokens.Count ? id : UnknownId);
            }
        }
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        var words = ids.Where(id => id >= SpecialTokens.Count && id < _tokens.Length).Select(id => _tokens[id]);
        return string.Join(' ', words);
    }

    /// <summary>Splits lower-cased text into words and punctuation marks.</summary>
    internal static IEnumerable<string> SplitWords(string text)
    {
        var word = new StringBuilder();
        foreach (var character in text.ToLowerInvariant())
        {
            if (char.IsWhiteSpace(character) || Array.IndexOf(Punctuation, character) >= 0)
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }
                if (!char.IsWhiteSpace(character))
                {
                    yield return character.ToString();
                }
                continue;
            }
            word.Append(character);
        }
        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private sealed record VocabularyFile(
        [property: System.Text.Json.Serialization.JsonPropertyName("format")] string Format,
        [property: System.Text.Json.Serialization.JsonPropertyName("tokens")] string[]? Tokens);
}
