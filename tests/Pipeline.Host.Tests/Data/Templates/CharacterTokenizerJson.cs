using System.Text.Json;

namespace Pipeline.Host.Tests.Data.Templates;

/// <summary>
/// Writes a LLaMA-style <c>tokenizer.json</c> (a normalizer that prepends <c>▁</c> and turns spaces into <c>▁</c>)
/// whose BPE model knows single characters only: the given added tokens take ids 0, 1, ...; then come <c>▁</c> and
/// the characters of <paramref name="corpus"/> in ordinal order. With no merges, every character is one token.
/// </summary>
internal static class CharacterTokenizerJson
{
    public static void Write(string path, IReadOnlyList<string> addedTokens, string corpus)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in addedTokens) vocabulary[token] = vocabulary.Count;
        vocabulary["\u2581"] = vocabulary.Count;
        foreach (var character in corpus.Where(c => c != ' ').Distinct().Order())
        {
            vocabulary.TryAdd(character.ToString(), vocabulary.Count);
        }
        var file = new
        {
            version = "1.0",
            added_tokens = addedTokens.Select((token, id) => new { id, content = token, special = true }),
            normalizer = new
            {
                type = "Sequence",
                normalizers = new object[]
                {
                    new { type = "Prepend", prepend = "\u2581" },
                    new { type = "Replace", pattern = new { String = " " }, content = "\u2581" },
                },
            },
            pre_tokenizer = (object?)null,
            model = new { type = "BPE", unk_token = addedTokens[0], fuse_unk = true, vocab = vocabulary, merges = Array.Empty<string>() },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(file));
    }
}
