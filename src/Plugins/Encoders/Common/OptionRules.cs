using Pipeline.Contracts.Options;

namespace Pipeline.Plugins.Encoders.Common;

/// <summary>The option checks both encoders share, so their messages read the same.</summary>
internal static class OptionRules
{
    /// <summary>An error when <paramref name="value"/> is below <paramref name="minimum"/>: "must be at least 1, got 0".</summary>
    public static OptionError? AtLeast(string key, int value, int minimum) =>
        value < minimum ? new OptionError(key, $"must be at least {minimum}, got {value}") : null;

    /// <summary>An error when <paramref name="value"/> is not strictly positive: "must be greater than 0, got -1".</summary>
    public static OptionError? Positive(string key, double value) =>
        value > 0 && double.IsFinite(value) ? null : new OptionError(key, $"must be greater than 0, got {Format(value)}");

    /// <summary>An error when <paramref name="value"/> is not one of <paramref name="allowed"/>.</summary>
    public static OptionError? OneOf(string key, string value, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal)
            ? null
            : new OptionError(key, $"must be one of {string.Join(", ", allowed)}, got '{value}'");

    /// <summary>Formats a number the way YAML would show it (invariant culture, shortest round-trip form).</summary>
    public static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
