using System.Text.RegularExpressions;

namespace Pipeline.Host.Interop;

/// <summary>
/// A whole-key glob over dot-separated tensor names: <c>*</c> stands for any characters within one segment,
/// <c>**</c> for any characters across segments (<c>text_model.**</c>, <c>**.position_ids</c>).
/// </summary>
public sealed class KeyPattern
{
    private readonly Regex _regex;

    public KeyPattern(string pattern)
    {
        Pattern = pattern;
        string body = Regex.Escape(pattern).Replace(@"\*\*", "\u0001").Replace(@"\*", "[^.]*").Replace("\u0001", ".*");
        _regex = new Regex("^" + body + "$", RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Whether <paramref name="key"/> matches the whole pattern.</summary>
    public bool IsMatch(string key) => _regex.IsMatch(key);
}
