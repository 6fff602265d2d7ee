using System.Text.RegularExpressions;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// Matches site paths against target patterns. A pattern without a dot names the last path segment
/// (<c>q_proj</c> matches <c>model.layers.3.self_attn.q_proj</c>); otherwise it is matched against the whole
/// path, with <c>*</c> standing for any characters within one segment and <c>**</c> for any characters across
/// segments (<c>model.layers.*.mlp.*_proj</c>, <c>**.q_proj</c>).
/// </summary>
public static class SitePattern
{
    /// <summary>Whether <paramref name="path"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string pattern, string path)
    {
        if (!pattern.Contains('.'))
        {
            string last = path[(path.LastIndexOf('.') + 1)..];
            return ToRegex(pattern).IsMatch(last);
        }
        return ToRegex(pattern).IsMatch(path);
    }

    /// <summary>
    /// Returns the paths of <paramref name="component"/>'s sites (from <paramref name="paths"/>) that match any pattern.
    /// Throws <see cref="AdapterTargetException"/> naming the first pattern that matches nothing, and, when
    /// <paramref name="otherComponents"/> is given, which other component it would have matched in.
    /// </summary>
    public static IReadOnlyList<string> Select(string adapterName, string component, IEnumerable<string> paths,
        IReadOnlyList<string> patterns, IReadOnlyDictionary<string, IEnumerable<string>>? otherComponents = null)
    {
        var all = paths.ToList();
        var selected = new List<string>();
        foreach (string pattern in patterns)
        {
            var hits = all.Where(p => IsMatch(pattern, p)).ToList();
            if (hits.Count == 0)
            {
                string elsewhere = otherComponents is null ? "" : string.Join(", ", otherComponents
                    .Where(kv => kv.Key != component && kv.Value.Any(p => IsMatch(pattern, p))).Select(kv => $"'{kv.Key}'"));
                string hint = elsewhere.Length > 0 ? $" (it matches in {elsewhere}: scope it there)" : "";
                throw new AdapterTargetException(
                    $"adapter '{adapterName}': target pattern '{pattern}' matches nothing in component '{component}'{hint}");
            }
            foreach (string hit in hits) if (!selected.Contains(hit)) selected.Add(hit);
        }
        return selected;
    }

    private static Regex ToRegex(string pattern)
    {
        string body = Regex.Escape(pattern).Replace(@"\*\*", "\u0001").Replace(@"\*", "[^.]*").Replace("\u0001", ".*");
        return new Regex("^" + body + "$", RegexOptions.CultureInvariant);
    }
}
