namespace Pipeline.Host.Config.Binding;

/// <summary>"Did you mean ...?" for misspelt keys, plugin names and enum values.</summary>
internal static class NameSuggestion
{
    private const int MaxDistance = 2;

    /// <summary>
    /// <c> (did you mean 'rank'?)</c> when one candidate differs only by case, or is within two edits (insertions, deletions, substitutions or
    /// swaps of neighbours) of <paramref name="input"/> and closer than the input is long; otherwise empty.
    /// </summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates)
    {
        string? closest = Closest(input, candidates);
        return closest is null ? "" : $" (did you mean '{closest}'?)";
    }

    /// <summary>
    /// The candidate that differs from <paramref name="input"/> only by case (<c>LEARNING_RATE</c>: <c>learning_rate</c>),
    /// else the nearest one within the distance limit (ties: the alphabetically first), or <c>null</c>.
    /// </summary>
    public static string? Closest(string input, IEnumerable<string> candidates) =>
        candidates.Order(StringComparer.Ordinal).FirstOrDefault(c => string.Equals(c, input, StringComparison.OrdinalIgnoreCase))
        ?? candidates
            .Where(c => Math.Abs(c.Length - input.Length) <= MaxDistance) // also keeps a huge input from costing a huge table
            .Select(c => (Name: c, Distance: Distance(input, c)))
            .Where(c => c.Distance <= MaxDistance && c.Distance < input.Length)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();

    /// <summary>Optimal string alignment distance: Levenshtein plus swaps of adjacent characters.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
