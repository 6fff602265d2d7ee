using System.Text.Json;

namespace Pipeline.Host.Data;

/// <summary>Finds the line each item of a JSON document's top-level array starts on, for messages about samples.</summary>
internal static class JsonArrayItemLines
{
    /// <summary>
    /// The 1-based start line of every item of the top-level array in <paramref name="json"/>, in order. Call it
    /// only on text that already parsed as JSON (comments and trailing commas are not expected).
    /// </summary>
    public static IReadOnlyList<int> Find(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith("\uFEFF"u8)) json = json[3..];
        var offsets = new List<long>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
            {
                offsets.Add(reader.TokenStartIndex);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        var lines = new List<int>(offsets.Count);
        int line = 1;
        long at = 0;
        foreach (long offset in offsets)
        {
            for (; at < offset; at++)
            {
                if (json[(int)at] == (byte)'\n') line++;
            }
            lines.Add(line);
        }
        return lines;
    }
}
