using System.Text;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// The YAML spelling of a .NET name. An underscore goes before each capital that follows a lower-case letter or a
/// digit, and before the last capital of a run of capitals that starts a new word; then everything is lower case:
/// <c>LearningRate</c> is <c>learning_rate</c>, <c>NFft</c> is <c>n_fft</c>, <c>IOBuffer</c> is <c>io_buffer</c>,
/// <c>UseFP16</c> is <c>use_fp16</c>, <c>Layer2Norm</c> is <c>layer2_norm</c>.
/// </summary>
internal static class SnakeCase
{
    /// <summary>Converts a PascalCase (or camelCase) name to snake_case.</summary>
    public static string FromPascalCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char current = name[i];
            if (char.IsUpper(current) && i > 0 && StartsWord(name, i)) text.Append('_');
            text.Append(char.ToLowerInvariant(current));
        }
        return text.ToString();
    }

    private static bool StartsWord(string name, int i)
    {
        char previous = name[i - 1];
        if (char.IsLower(previous) || char.IsDigit(previous)) return true;
        bool nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
        return char.IsUpper(previous) && nextIsLower;
    }
}
