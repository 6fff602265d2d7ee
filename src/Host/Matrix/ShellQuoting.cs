using System.Text.RegularExpressions;

namespace Pipeline.Host.Matrix;

/// <summary>Quoting for the two languages a Slurm script speaks: bash words and <c>#SBATCH</c> directive values.</summary>
public static partial class ShellQuoting
{
    /// <summary>
    /// <paramref name="word"/> as one bash word: unchanged when it holds only characters bash never interprets
    /// (letters, digits and <c>_ . / : @ % + , -</c>; not <c>=</c>, which makes a first word an assignment), else in single quotes, each embedded <c>'</c> written <c>'\''</c>.
    /// </summary>
    public static string Bash(string word) =>
        word.Length > 0 && SafeBashCharacters().IsMatch(word) ? word : "'" + word.Replace("'", @"'\''") + "'";

    /// <summary>The words joined by spaces, each quoted by <see cref="Bash(string)"/>.</summary>
    public static string Bash(IEnumerable<string> words) => string.Join(' ', words.Select(Bash));

    /// <summary>
    /// <paramref name="value"/> as the value of an <c>#SBATCH</c> directive. <c>sbatch</c> reads those lines itself, not
    /// through bash: it understands double quotes and backslash escapes only, so the value is unchanged when it is
    /// safe, else in double quotes with <c>\</c> and <c>"</c> escaped by a backslash.
    /// </summary>
    public static string SbatchValue(string value) =>
        value.Length > 0 && SafeSbatchCharacters().IsMatch(value) ? value : "\"" + value.Replace(@"\", @"\\").Replace("\"", "\\\"") + "\"";

    [GeneratedRegex(@"^[A-Za-z0-9_./:@%+,-]+$")]
    private static partial Regex SafeBashCharacters();

    [GeneratedRegex(@"^[A-Za-z0-9_./:=@%+,-]+$")]
    private static partial Regex SafeSbatchCharacters();
}
