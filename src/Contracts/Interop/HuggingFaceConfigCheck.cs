using System.Globalization;
using System.Text.Json;

namespace Pipeline.Contracts.Interop;

/// <summary>
/// Compares fields of a Hugging Face <c>config.json</c> with a component's options and collects one line per
/// mismatch, in the wording <see cref="IHuggingFaceLayout.CheckConfig"/> asks for:
/// <c>num_hidden_layers is 32 in config.json, but layers is 2</c>. An absent (or <c>null</c>) field takes the
/// Hugging Face default given by the caller and is marked as such in the message.
/// </summary>
public sealed class HuggingFaceConfigCheck
{
    private readonly JsonElement _section;
    private readonly List<string> _mismatches = [];

    /// <param name="section">The JSON object that holds the fields (see <see cref="Section"/>).</param>
    public HuggingFaceConfigCheck(JsonElement section)
    {
        _section = section;
    }

    /// <summary>The mismatches found so far, in the order checked.</summary>
    public IReadOnlyList<string> Mismatches => _mismatches;

    /// <summary>
    /// The object <paramref name="config"/>.<paramref name="nested"/> when it exists (a composite model's
    /// <c>vision_config</c> or <c>text_config</c>), otherwise <paramref name="config"/> itself.
    /// </summary>
    public static JsonElement Section(JsonElement config, string nested) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty(nested, out var section) && section.ValueKind == JsonValueKind.Object
            ? section
            : config;

    /// <summary>The field <paramref name="key"/> of <paramref name="section"/>, or <c>null</c> when absent or JSON <c>null</c>.</summary>
    public static JsonElement? Field(JsonElement section, string key) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>Checks an integer field against <paramref name="ours"/>, described as <paramref name="ourName"/>.</summary>
    public HuggingFaceConfigCheck Integer(string key, long fallback, long ours, string ourName)
    {
        var field = Field(_section, key);
        if (field is { } value && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _)))
            _mismatches.Add($"{key} is {value.GetRawText()} in config.json, expected an integer");
        else if ((field?.GetInt64() ?? fallback) != ours)
            _mismatches.Add($"{key} is {Shown(field, fallback.ToString(CultureInfo.InvariantCulture))}, but {ourName} is {ours.ToString(CultureInfo.InvariantCulture)}");
        return this;
    }

    /// <summary>Checks a floating-point field against <paramref name="ours"/> (equal to a relative 1e-9).</summary>
    public HuggingFaceConfigCheck Number(string key, double fallback, double ours, string ourName)
    {
        var field = Field(_section, key);
        if (field is { } value && value.ValueKind != JsonValueKind.Number)
            _mismatches.Add($"{key} is {value.GetRawText()} in config.json, expected a number");
        else if (Math.Abs((field?.GetDouble() ?? fallback) - ours) > 1e-9 * Math.Max(Math.Abs(ours), double.Epsilon))
            _mismatches.Add($"{key} is {Shown(field, Format(fallback))}, but {ourName} is {Format(ours)}");
        return this;
    }

    /// <summary>Checks a string field against <paramref name="ours"/>.</summary>
    public HuggingFaceConfigCheck Text(string key, string fallback, string ours, string ourName)
    {
        var field = Field(_section, key);
        if (field is { } value && value.ValueKind != JsonValueKind.String)
            _mismatches.Add($"{key} is {value.GetRawText()} in config.json, expected a string");
        else if ((field?.GetString() ?? fallback) != ours)
            _mismatches.Add($"{key} is {Shown(field, $"\"{fallback}\"")}, but {ourName} is {ours}");
        return this;
    }

    /// <summary>Checks a boolean field against <paramref name="ours"/>.</summary>
    public HuggingFaceConfigCheck Boolean(string key, bool fallback, bool ours, string ourName)
    {
        var field = Field(_section, key);
        if (field is { } value && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            _mismatches.Add($"{key} is {value.GetRawText()} in config.json, expected true or false");
        else if ((field?.GetBoolean() ?? fallback) != ours)
            _mismatches.Add($"{key} is {Shown(field, fallback ? "true" : "false")}, but {ourName} is {(ours ? "true" : "false")}");
        return this;
    }

    /// <summary>Adds a mismatch worded by the caller.</summary>
    public HuggingFaceConfigCheck Add(string mismatch)
    {
        _mismatches.Add(mismatch);
        return this;
    }

    /// <summary>Formats a number as the messages show it: invariant culture, shortest round trip, lower-case exponent.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();

    private static string Shown(JsonElement? field, string fallback) =>
        field is { } value ? $"{value.GetRawText()} in config.json" : $"{fallback} (absent from config.json: the Hugging Face default)";
}
