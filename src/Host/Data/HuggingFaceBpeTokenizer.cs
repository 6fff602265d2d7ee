using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Pipeline.Host.Data;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> with a BPE model, run by Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>.
/// Supported: LLaMA-style files (Metaspace <c>▁</c> for spaces, as a normalizer or pre-tokenizer) and GPT-2-style
/// files (ByteLevel pre-tokenizer). BOS and EOS are found among the added tokens by their usual names
/// (<c>&lt;s&gt;</c>/<c>&lt;/s&gt;</c>, <c>&lt;|begin_of_text|&gt;</c>/<c>&lt;|end_of_text|&gt;</c>,
/// <c>&lt;bos&gt;</c>/<c>&lt;eos&gt;</c>, <c>&lt;|endoftext|&gt;</c>); byte fallback is not supported (unknown
/// characters become the unknown token).
/// </summary>
public sealed class HuggingFaceBpeTokenizer : ITextTokenizer
{
    private const string Metaspace = "\u2581";
    private static readonly string[] BosNames = ["<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] EosNames = ["</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>"];
    private static readonly string[] PadNames = ["<pad>", "<|pad|>", "[PAD]"];

    // The GPT-2 pre-tokenization pattern that Hugging Face's ByteLevel pre-tokenizer applies.
    private static readonly Regex ByteLevelWords =
        new(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.Compiled);

    private static readonly Regex WholeText = new(@"[\s\S]+", RegexOptions.Compiled);

    private readonly BpeTokenizer _model;
    private readonly SpecialTokenTable _special;
    private readonly string? _spaceReplacement;

    private HuggingFaceBpeTokenizer(BpeTokenizer model, SpecialTokenTable special, string? spaceReplacement)
    {
        (_model, _special, _spaceReplacement) = (model, special, spaceReplacement);
    }

    /// <summary>Reads a <c>tokenizer.json</c> file.</summary>
    /// <exception cref="InvalidDataException">The file is not a BPE tokenizer.json with supported normalizer and pre-tokenizer.</exception>
    /// <param name="path">The <c>tokenizer.json</c> file.</param>
    /// <param name="reader">Reads the file; <see cref="DataFileReader.Default"/> when omitted.</param>
    public static HuggingFaceBpeTokenizer Load(string path, DataFileReader? reader = null)
    {
        using var document = JsonDocument.Parse((reader ?? DataFileReader.Default).ReadAllBytes(path));
        var root = document.RootElement;
        var describe = $"tokenizer file '{path}'";
        var model = root.GetProperty("model");
        if (!model.TryGetProperty("type", out var type) || type.GetString() != "BPE")
        {
            throw new InvalidDataException($"{describe}: only BPE models are supported, found '{(model.TryGetProperty("type", out var t) ? t.GetString() : "none")}'");
        }
        var vocabulary = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var addedSpecial = new List<int>();
        var addedTokens = new List<KeyValuePair<string, int>>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                var id = token.GetProperty("id").GetInt32();
                var content = token.GetProperty("content").GetString()!;
                vocabulary.TryAdd(content, id);
                addedTokens.Add(new(content, id));
                if (token.TryGetProperty("special", out var special) && special.GetBoolean())
                {
                    addedSpecial.Add(id);
                }
            }
        }

        var normalizer = new TokenizerJsonNormalizer(root.TryGetProperty("normalizer", out var n) ? n : default, describe);
        var options = new BpeOptions(vocabulary)
        {
            Merges = ReadMerges(model, describe),
            Normalizer = normalizer,
            UnknownToken = OptionalString(model, "unk_token"),
            FuseUnknownTokens = model.TryGetProperty("fuse_unk", out var fuse) && fuse.ValueKind == JsonValueKind.True,
            ContinuingSubwordPrefix = OptionalString(model, "continuing_subword_prefix"),
            EndOfWordSuffix = OptionalString(model, "end_of_word_suffix"),
        };
        var spaceReplacement = ConfigurePreTokenizer(root.TryGetProperty("pre_tokenizer", out var p) ? p : default, options, normalizer, describe);
        if (spaceReplacement is null && !options.ByteLevel && vocabulary.ContainsKey(Metaspace))
        {
            spaceReplacement = Metaspace; // LLaMA-style files put the ▁ handling in the normalizer.
        }
        normalizer.Then(text => text);

        int? LookUp(string token) => vocabulary.TryGetValue(token, out var id) ? id : null;
        int Required(string[] names, string what) => names.Select(LookUp).FirstOrDefault(id => id is not null)
            ?? throw new InvalidDataException($"{describe}: no {what} token (looked for {string.Join(", ", names)})");
        var table = new SpecialTokenTable(vocabulary.Values.Max() + 1, LookUp,
            Required(BosNames, "beginning-of-sequence"), Required(EosNames, "end-of-sequence"),
            PadNames.Select(LookUp).FirstOrDefault(id => id is not null),
            options.UnknownToken is null ? null : LookUp(options.UnknownToken), addedSpecial, addedTokens);
        return new HuggingFaceBpeTokenizer(BpeTokenizer.Create(options), table, spaceReplacement);
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
    /// <remarks>The control tokens are the file's <c>added_tokens</c>, special or not.</remarks>
    public int? ControlTokenId(string token) => _special.ControlTokenId(token);

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => _special.Encode(text, segment => _model.EncodeToIds(segment));

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        var text = _model.Decode(ids.Where(id => !_special.IsSpecial(id)), considerSpecialTokens: false);
        if (_spaceReplacement is null)
        {
            return text;
        }
        text = text.Replace(_spaceReplacement, " ", StringComparison.Ordinal);
        return text.StartsWith(' ') ? text[1..] : text;
    }

    private static string? ConfigurePreTokenizer(JsonElement preTokenizer, BpeOptions options, TokenizerJsonNormalizer normalizer, string describe)
    {
        if (preTokenizer.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            // BpeTokenizer splits words from non-words unless told otherwise; without a pre-tokenizer the whole text is one piece.
            options.PreTokenizer = new RegexPreTokenizer(WholeText, null);
            return null;
        }
        var type = preTokenizer.GetProperty("type").GetString();
        switch (type)
        {
            case "Metaspace":
                var replacement = OptionalString(preTokenizer, "replacement") ?? Metaspace;
                var prepend = OptionalString(preTokenizer, "prepend_scheme") is { } scheme
                    ? scheme != "never"
                    : !preTokenizer.TryGetProperty("add_prefix_space", out var add) || add.ValueKind == JsonValueKind.True;
                normalizer.Then(text => (prepend && text.Length > 0 && !text.StartsWith(' ') ? " " + text : text).Replace(" ", replacement));
                if (!preTokenizer.TryGetProperty("split", out var split) || split.ValueKind == JsonValueKind.True)
                {
                    options.PreTokenizer = new RegexPreTokenizer(new Regex($"{Regex.Escape(replacement)}[^{Regex.Escape(replacement)}]*|[^{Regex.Escape(replacement)}]+"), null);
                }
                return replacement;
            case "ByteLevel":
                if (preTokenizer.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
                {
                    normalizer.Then(text => text.Length > 0 && !text.StartsWith(' ') ? " " + text : text);
                }
                options.ByteLevel = true;
                options.PreTokenizer = new RegexPreTokenizer(ByteLevelWords, null);
                return null;
            case "Whitespace":
                options.PreTokenizer = PreTokenizer.CreateWordOrNonWord();
                return null;
            case "WhitespaceSplit":
                options.PreTokenizer = PreTokenizer.CreateWhiteSpace();
                return null;
            default:
                throw new InvalidDataException(
                    $"{describe}: unsupported pre_tokenizer '{type}' (supported: Metaspace, ByteLevel, Whitespace, WhitespaceSplit or none)");
        }
    }

    private static List<string> ReadMerges(JsonElement model, string describe)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out var list))
        {
            return merges;
        }
        foreach (var merge in list.EnumerateArray())
        {
            // Older files write "a b"; newer ones write ["a", "b"].
            var pair = merge.ValueKind == JsonValueKind.String
                ? merge.GetString()!
                : string.Join(' ', merge.EnumerateArray().Select(part => part.GetString()!));
            if (pair.Count(c => c == ' ') != 1)
            {
                throw new InvalidDataException($"{describe}: merge '{pair}' is not a pair of tokens without spaces");
            }
            merges.Add(pair);
        }
        return merges;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
