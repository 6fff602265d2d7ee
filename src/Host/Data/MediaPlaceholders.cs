namespace Pipeline.Host.Data;

/// <summary>The media placeholders tokenizers know, and helpers to find them in text.</summary>
public static class MediaPlaceholders
{
    /// <summary>The modalities with a placeholder, in the order tokenizers assign their ids.</summary>
    public static IReadOnlyList<string> Modalities { get; } = ["image", "audio"];

    /// <summary>The placeholder text of a modality, for example <c>&lt;image&gt;</c>.</summary>
    public static string For(string modality) => $"<{modality}>";

    /// <summary>Builds the error thrown when a tokenizer is asked for a modality it has no placeholder for.</summary>
    internal static ArgumentException UnknownModality(string modality) =>
        new($"unknown modality '{modality}': expected one of {string.Join(", ", Modalities)}", nameof(modality));

    /// <summary>Counts how often the placeholder of <paramref name="modality"/> occurs in <paramref name="text"/>.</summary>
    public static int Count(string text, string modality)
    {
        var placeholder = For(modality);
        var count = 0;
        for (var at = text.IndexOf(placeholder, StringComparison.Ordinal); at >= 0;
             at = text.IndexOf(placeholder, at + placeholder.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// Splits text into plain segments and placeholders, in order. A placeholder segment is returned with
    /// its modality; a plain segment with <c>null</c>. Empty plain segments are left out.
    /// </summary>
    public static IEnumerable<(string Text, string? Modality)> Split(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var (at, modality) = NextPlaceholder(text, start);
            if (modality is null)
            {
                yield return (text[start..], null);
                yield break;
            }
            if (at > start)
            {
                yield return (text[start..at], null);
            }
            yield return (For(modality), modality);
            start = at + For(modality).Length;
        }
    }

    private static (int At, string? Modality) NextPlaceholder(string text, int start)
    {
        var best = (At: -1, Modality: (string?)null);
        foreach (var modality in Modalities)
        {
            var at = text.IndexOf(For(modality), start, StringComparison.Ordinal);
            if (at >= 0 && (best.Modality is null || at < best.At))
            {
                best = (at, modality);
            }
        }
        return best;
    }
}
