using System.Globalization;

namespace Pipeline.Host.Config.Binding;

/// <summary>
/// Parses YAML scalars into the option value types: <see cref="string"/>, <see cref="bool"/> (<c>true</c> or
/// <c>false</c> only), <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="float"/> (invariant
/// culture, exponents allowed, finite values only) and enums (member names in snake_case).
/// </summary>
internal static class ScalarParser
{
    /// <summary>Whether <paramref name="type"/> is bound from a single scalar.</summary>
    public static bool Handles(Type type) =>
        type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(long)
        || type == typeof(double) || type == typeof(float) || type.IsEnum;

    /// <summary>What a value of <paramref name="type"/> looks like, for "expected ..." in messages.</summary>
    public static string Expectation(Type type)
    {
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "a boolean (true or false)";
        if (type == typeof(int) || type == typeof(long)) return "an integer";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type.IsEnum) return "one of " + string.Join(", ", EnumNames(type));
        throw new ArgumentException($"{type} is not a scalar option type", nameof(type));
    }

    /// <summary>The YAML names of an enum's members, in declaration order.</summary>
    public static IReadOnlyList<string> EnumNames(Type enumType) =>
        Enum.GetNames(enumType).Select(SnakeCase.FromPascalCase).ToList();

    /// <summary>
    /// Parses <paramref name="text"/> as <paramref name="type"/>. On failure returns <c>false</c> and sets
    /// <paramref name="failure"/> to the message body, for example <c>expected an integer, got 'ten'</c>.
    /// </summary>
    public static bool TryParse(Type type, string text, out object? value, out string? failure)
    {
        value = null;
        failure = null;
        string got = YamlNodeText.Quote(text);
        if (type == typeof(string))
        {
            value = text;
        }
        else if (type == typeof(bool))
        {
            value = text switch { "true" => true, "false" => false, _ => null };
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            value = ParseInteger(type, text, out string? rangeFailure);
            if (rangeFailure is not null)
            {
                failure = $"expected {rangeFailure}, got {got}";
                return false;
            }
        }
        else if (type == typeof(double) || type == typeof(float))
        {
            value = ParseNumber(type, text);
        }
        else if (type.IsEnum)
        {
            value = ParseEnum(type, text);
            if (value is null)
            {
                failure = $"expected {Expectation(type)}, got {got}{NameSuggestion.DidYouMean(text, EnumNames(type))}";
                return false;
            }
        }
        else
        {
            throw new ArgumentException($"{type} is not a scalar option type", nameof(type));
        }

        if (value is not null) return true;
        failure = $"expected {Expectation(type)}, got {got}";
        return false;
    }

    private static object? ParseInteger(Type type, string text, out string? rangeFailure)
    {
        rangeFailure = null;
        const NumberStyles style = NumberStyles.AllowLeadingSign;
        if (type == typeof(long))
        {
            if (long.TryParse(text, style, CultureInfo.InvariantCulture, out long wide)) return wide;
            if (System.Numerics.BigInteger.TryParse(text, style, CultureInfo.InvariantCulture, out _))
                rangeFailure = $"an integer from {long.MinValue} to {long.MaxValue}";
            return null;
        }

        if (int.TryParse(text, style, CultureInfo.InvariantCulture, out int narrow)) return narrow;
        if (System.Numerics.BigInteger.TryParse(text, style, CultureInfo.InvariantCulture, out _))
            rangeFailure = $"an integer from {int.MinValue} to {int.MaxValue}";
        return null;
    }

    private static object? ParseNumber(Type type, string text)
    {
        const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (type == typeof(float))
            return float.TryParse(text, style, CultureInfo.InvariantCulture, out float single) && float.IsFinite(single) ? single : null;
        return double.TryParse(text, style, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number) ? number : null;
    }

    private static object? ParseEnum(Type type, string text)
    {
        string[] names = Enum.GetNames(type);
        foreach (string name in names)
            if (SnakeCase.FromPascalCase(name) == text) return Enum.Parse(type, name);
        return null;
    }
}
