using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Config.Binding;

/// <summary>How nodes and key paths are spelled in error messages, and which scalars count as YAML null.</summary>
internal static class YamlNodeText
{
    private const int MaxQuotedLength = 60;

    /// <summary>
    /// Whether <paramref name="node"/> is a YAML null: an unquoted <c>~</c>, <c>null</c> or nothing at all
    /// (<c>key:</c> with no value). A quoted <c>"null"</c> is the string "null".
    /// </summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>What the user wrote, for "got ..." in messages: a quoted value, <c>null</c>, <c>a mapping</c> or <c>a sequence</c>.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a sequence",
        YamlScalarNode { Value: null or "" } scalar when IsNull(scalar) => "an empty value",
        YamlScalarNode scalar when IsNull(scalar) => "null",
        YamlScalarNode scalar => Quote(scalar.Value ?? ""),
        _ => "an unsupported YAML node",
    };

    /// <summary>A value in single quotes, shortened when long.</summary>
    public static string Quote(string text) =>
        "'" + (text.Length > MaxQuotedLength ? text[..(MaxQuotedLength - 3)] + "..." : text) + "'";

    /// <summary>The text for a node carrying an explicit tag such as <c>!Foo</c>.</summary>
    public static string TagNotSupported(YamlNode node) =>
        $"YAML tags are not supported (found '{node.Tag}'); remove the tag";

    /// <summary>The key path as a message prefix (<c>training.steps: </c>), or nothing at the top level.</summary>
    public static string Prefix(string keyPath) => keyPath.Length == 0 ? "" : keyPath + ": ";

    /// <summary>Where a key lives, for "unknown key 'x' ..." messages: <c>in training</c> or <c>at the top level</c>.</summary>
    public static string Within(string keyPath) => keyPath.Length == 0 ? "at the top level" : "in " + keyPath;

    /// <summary>The key path of a mapping entry: <c>training.steps</c>, or just <c>training</c> at the top level.</summary>
    public static string ChildPath(string keyPath, string key) => keyPath.Length == 0 ? key : keyPath + "." + key;

    /// <summary>The key path of a sequence item: <c>adapters[0]</c>.</summary>
    public static string ItemPath(string keyPath, int index) => $"{keyPath}[{index}]";

    /// <summary>
    /// The key path of a key relative to <paramref name="keyPath"/> as an options type's validation names it
    /// (<c>rank</c>, <c>targets.llm</c> or <c>targets[1]</c>).
    /// </summary>
    public static string RelativePath(string keyPath, string relativeKey) =>
        relativeKey.Length == 0 ? keyPath
        : relativeKey.StartsWith('[') ? keyPath + relativeKey
        : ChildPath(keyPath, relativeKey);

    /// <summary>"1 item" or "3 items".</summary>
    public static string Items(int count) => count == 1 ? "1 item" : $"{count} items";
}
