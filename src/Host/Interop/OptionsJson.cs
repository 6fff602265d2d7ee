using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Interop;

/// <summary>
/// Writes bound plugin options as JSON under their YAML keys (snake_case, enums by their YAML names), every
/// bindable property included with its value, so the JSON can be pasted back into a YAML <c>options</c> block.
/// </summary>
public static class OptionsJson
{
    /// <summary>The JSON form of an options object (or any value an options property may hold).</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        int or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float or double => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        Enum member => JsonValue.Create(SnakeCase.FromPascalCase(member.ToString())),
        PluginSelection selection => new JsonObject { ["plugin"] = selection.Plugin, ["options"] = ToJson(selection.Options) },
        ConfigNode or YamlDotNet.RepresentationModel.YamlNode => null,
        IDictionary dictionary => new JsonObject(dictionary.Keys.Cast<object>()
            .Select(k => KeyValuePair.Create(k.ToString()!, ToJson(dictionary[k])))),
        IEnumerable sequence => new JsonArray(sequence.Cast<object?>().Select(ToJson).ToArray()),
        _ when OptionsTypeShape.IsOptionsClass(value.GetType()) => new JsonObject(OptionsTypeShape.Of(value.GetType()).Properties
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value.Property.GetValue(value))))),
        _ => JsonValue.Create(value.ToString()),
    };
}
