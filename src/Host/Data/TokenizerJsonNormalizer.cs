using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Pipeline.Host.Data;

/// <summary>
/// The text steps of a Hugging Face <c>tokenizer.json</c> that run before BPE: its <c>normalizer</c> (Sequence,
/// Prepend, Replace of a plain string, Lowercase, NFC/NFD/NFKC/NFKD) followed by the space handling of its
/// <c>Metaspace</c> or <c>ByteLevel</c> pre-tokenizer.
/// </summary>
internal sealed class TokenizerJsonNormalizer : Normalizer
{
    private readonly List<Func<string, string>> _steps = [];

    /// <summary>Builds the steps; <paramref name="describe"/> names the file in errors.</summary>
    public TokenizerJsonNormalizer(JsonElement normalizer, string describe)
    {
        AddNormalizer(normalizer, describe);
    }

    /// <summary>Appends a step that runs after the normalizer.</summary>
    public void Then(Func<string, string> step) => _steps.Add(step);

    /// <inheritdoc />
    public override string Normalize(string original) => _steps.Aggregate(original, (text, step) => step(text));

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    private void AddNormalizer(JsonElement normalizer, string describe)
    {
        if (normalizer.ValueKind == JsonValueKind.Null || normalizer.ValueKind == JsonValueKind.Undefined)
        {
            return;
        }
        var type = normalizer.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in normalizer.GetProperty("normalizers").EnumerateArray())
                {
                    AddNormalizer(inner, describe);
                }
                break;
            case "Prepend":
                var prefix = normalizer.GetProperty("prepend").GetString()!;
                _steps.Add(text => text.Length == 0 ? text : prefix + text);
                break;
            case "Replace" when normalizer.GetProperty("pattern").TryGetProperty("String", out var pattern):
                var (from, to) = (pattern.GetString()!, normalizer.GetProperty("content").GetString()!);
                _steps.Add(text => text.Replace(from, to, StringComparison.Ordinal));
                break;
            case "Lowercase":
                _steps.Add(text => text.ToLowerInvariant());
                break;
            case "NFC" or "NFD" or "NFKC" or "NFKD":
                var form = Enum.Parse<NormalizationForm>("Form" + type[2..]);
                _steps.Add(text => text.Normalize(form));
                break;
            default:
                throw new InvalidDataException(
                    $"{describe}: unsupported normalizer '{type}' (supported: Sequence, Prepend, Replace of a string, Lowercase, NFC, NFD, NFKC, NFKD)");
        }
    }
}
