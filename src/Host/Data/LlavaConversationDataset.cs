using System.Text.Json;
using Pipeline.Contracts.Media;

namespace Pipeline.Host.Data;

/// <summary>
/// Loads LLaVA-style conversation data: a JSON array of
/// <c>{"id": ..., "image" | "audio": "relative/path", "conversations": [{"from": "human", "value": "&lt;image&gt;\n..."},
/// {"from": "gpt", "value": "..."}]}</c>. Text-only items have no media key. Media paths are resolved against
/// <c>mediaRoot</c>, or the JSON file's folder; images are decoded with <see cref="ImageFileDecoder"/> and audio
/// with <see cref="WavFileReader"/>, all at load time.
/// </summary>
public static class LlavaConversationDataset
{
    /// <summary>Loads and checks every sample of <paramref name="jsonPath"/>.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is missing or malformed, or a sample breaks a rule: at most one media item; at least one turn, the
    /// first from <c>human</c>, each from <c>human</c> or <c>gpt</c>; a media sample's human turns hold its
    /// placeholder exactly once and no other placeholder appears; media files exist and decode. The message names
    /// the sample id and the file.
    /// </exception>
    public static IReadOnlyList<Sample> Load(string jsonPath, string? mediaRoot = null)
    {
        if (!File.Exists(jsonPath))
        {
            throw new InvalidDataException($"LLaVA data file '{jsonPath}' does not exist");
        }
        var root = mediaRoot ?? Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"LLaVA data file '{jsonPath}' is not valid JSON: {error.Message}", error);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"LLaVA data file '{jsonPath}' must hold a JSON array of samples");
            }
            var samples = new List<Sample>();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                samples.Add(LoadSample(item, index++, jsonPath, root));
            }
            return samples;
        }
    }

    private static Sample LoadSample(JsonElement item, int index, string jsonPath, string mediaRoot)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"sample #{index} in '{jsonPath}' is not a JSON object");
        }
        var id = item.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText()
            : throw new InvalidDataException($"sample #{index} in '{jsonPath}' has no \"id\"");
        InvalidDataException Problem(string problem, Exception? inner = null) => new($"sample '{id}' in '{jsonPath}': {problem}", inner);

        var mediaKeys = MediaPlaceholders.Modalities.Where(m => item.TryGetProperty(m, out _)).ToList();
        if (mediaKeys.Count > 1)
        {
            throw Problem($"has both {string.Join(" and ", mediaKeys.Select(k => $"\"{k}\""))}; a sample holds at most one media item");
        }
        var modality = mediaKeys.SingleOrDefault();
        var turns = ReadTurns(item, Problem);
        CheckPlaceholders(turns, modality, Problem);

        MediaItem? media = null;
        if (modality is not null)
        {
            var relative = item.GetProperty(modality);
            if (relative.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(relative.GetString()))
            {
                throw Problem($"\"{modality}\" must be a file path");
            }
            var path = Path.Combine(mediaRoot, relative.GetString()!);
            var sourceId = $"{id} ({relative.GetString()})";
            try
            {
                media = modality == "image" ? ImageFileDecoder.Decode(path, sourceId) : WavFileReader.Read(path, sourceId);
            }
            catch (InvalidDataException error)
            {
                throw Problem(error.Message, error);
            }
        }
        return new Sample(id, turns, media, modality ?? "text");
    }

    private static List<ConversationTurn> ReadTurns(JsonElement item, Func<string, Exception?, InvalidDataException> problem)
    {
        if (!item.TryGetProperty("conversations", out var conversations) || conversations.ValueKind != JsonValueKind.Array
            || conversations.GetArrayLength() == 0)
        {
            throw problem("has no conversations", null);
        }
        var turns = new List<ConversationTurn>();
        foreach (var turn in conversations.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object
                || !turn.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String
                || !turn.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw problem($"turn {turns.Count + 1} needs string \"from\" and \"value\"", null);
            }
            var speaker = from.GetString()!;
            if (turns.Count == 0 && speaker != ConversationTurn.Human)
            {
                throw problem($"the first turn is from '{speaker}', expected '{ConversationTurn.Human}'", null);
            }
            if (speaker is not (ConversationTurn.Human or ConversationTurn.Assistant))
            {
                throw problem($"turn {turns.Count + 1} is from '{speaker}', expected '{ConversationTurn.Human}' or '{ConversationTurn.Assistant}'", null);
            }
            turns.Add(new ConversationTurn(speaker, value.GetString()!));
        }
        return turns;
    }

    private static void CheckPlaceholders(List<ConversationTurn> turns, string? modality,
        Func<string, Exception?, InvalidDataException> problem)
    {
        foreach (var other in MediaPlaceholders.Modalities)
        {
            var inHuman = turns.Where(t => t.From == ConversationTurn.Human).Sum(t => MediaPlaceholders.Count(t.Value, other));
            var inAnswers = turns.Where(t => t.From == ConversationTurn.Assistant).Sum(t => MediaPlaceholders.Count(t.Value, other));
            var placeholder = MediaPlaceholders.For(other);
            if (inAnswers > 0)
            {
                throw problem($"a gpt turn contains {placeholder}; placeholders belong in human turns", null);
            }
            if (other == modality && inHuman != 1)
            {
                throw problem($"has {Noun(other)} but its human turns contain {placeholder} {inHuman} times, expected exactly once", null);
            }
            if (other != modality && inHuman > 0)
            {
                throw problem(modality is null
                    ? $"has no media but its turns contain {placeholder}"
                    : $"has {Noun(modality)} but its turns contain {placeholder}", null);
            }
        }
    }

    private static string Noun(string modality) => modality == "image" ? "an image" : modality;
}
