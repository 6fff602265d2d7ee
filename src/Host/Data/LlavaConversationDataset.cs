using System.Text.Json;

namespace Pipeline.Host.Data;

/// <summary>
/// Reads LLaVA-style conversation data: a JSON array of
/// <c>{"id": ..., "image" | "audio": "relative/path", "conversations": [{"from": "human", "value": "&lt;image&gt;\n..."},
/// {"from": "gpt", "value": "..."}]}</c>. Text-only items have no media key. Media paths are resolved against
/// <c>mediaRoot</c>, or the JSON file's folder. The file is streamed item by item (<see cref="Stream"/>), so its size
/// does not bound what fits in memory, and media are only referenced (<see cref="MediaFile"/>): they are decoded when a
/// check or a batch needs them. Every file is read through a <see cref="DataFileReader"/>, so transient I/O errors
/// are retried. Messages about a sample start with <c>file:line</c> and name the sample's id and its index in the array.
/// </summary>
public static class LlavaConversationDataset
{
    /// <summary>Reads every sample of <paramref name="jsonPath"/> into memory; the first bad sample is an error.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is missing or malformed, or a sample breaks a rule (see <see cref="Stream"/>); the message is the
    /// first <see cref="SampleProblem.Message"/>.
    /// </exception>
    /// <exception cref="IOException">A file exists but could not be read, even after retries.</exception>
    public static IReadOnlyList<Sample> Load(string jsonPath, string? mediaRoot = null, DataFileReader? reader = null)
    {
        var loaded = Read(jsonPath, mediaRoot, reader);
        return loaded.Problems.Count == 0 ? loaded.Samples : throw new InvalidDataException(loaded.Problems[0].Message);
    }

    /// <summary>Reads every item of <paramref name="jsonPath"/> into memory, splitting samples from problems (small files and tests).</summary>
    /// <exception cref="InvalidDataException">The file itself is missing, not JSON, or not an array of samples.</exception>
    /// <exception cref="IOException">A file exists but could not be read, even after retries.</exception>
    public static LoadedSamples Read(string jsonPath, string? mediaRoot = null, DataFileReader? reader = null)
    {
        var samples = new List<Sample>();
        var problems = new List<SampleProblem>();
        foreach (var read in Stream(jsonPath, mediaRoot, reader))
        {
            if (read.Sample is { } sample) samples.Add(sample);
            else problems.Add(read.Problem!);
        }
        return new LoadedSamples(samples, problems);
    }

    /// <summary>
    /// Streams <paramref name="jsonPath"/>: one <see cref="SampleRead"/> per item, in file order, holding one item in
    /// memory at a time. The rules: an <c>id</c>; at most one media item; at least one turn, the first from
    /// <c>human</c>, each from <c>human</c> or <c>gpt</c>; a media sample's human turns hold its placeholder exactly
    /// once and no other placeholder appears; media paths name readable regular files of at most
    /// <see cref="MediaPathInspector.MaxFileBytes"/>, found without opening them (<see cref="MediaPathInspector"/>;
    /// whether they decode is checked later, once per file).
    /// </summary>
    /// <param name="jsonPath">The conversation file.</param>
    /// <param name="mediaRoot">The folder media paths are relative to; the JSON file's folder when <c>null</c>.</param>
    /// <param name="reader">Reads every file; <see cref="DataFileReader.Default"/> when omitted.</param>
    /// <exception cref="InvalidDataException">
    /// The file itself is missing, not a readable regular file, not JSON, or not an array of samples (thrown while enumerating).
    /// </exception>
    /// <exception cref="IOException">A file exists but could not be read, even after retries.</exception>
    public static IEnumerable<SampleRead> Stream(string jsonPath, string? mediaRoot = null, DataFileReader? reader = null)
    {
        reader ??= DataFileReader.Default;
        // A named pipe or a device would block or never end (and the file is read twice).
        if (MediaPathInspector.InspectDataFile($"LLaVA data file '{jsonPath}'", jsonPath) is { } problem)
        {
            throw new InvalidDataException(problem.Detail);
        }
        var root = mediaRoot ?? Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        using var items = new JsonArrayStream(reader.OpenRead(jsonPath), $"LLaVA data file '{jsonPath}'");
        foreach (var (index, line, item) in items.Items())
        {
            var location = new SampleLocation(jsonPath, index, line);
            string? id = IdOf(item);
            SampleRead read;
            try
            {
                read = new SampleRead(LoadSample(item, id, root, reader) with { Location = location }, null);
            }
            catch (BadSample bad)
            {
                read = new SampleRead(null, new SampleProblem(bad.Reason, id, location, bad.Message));
            }
            yield return read;
        }
    }

    /// <summary>Thrown inside this class for a sample that cannot be used; becomes a <see cref="SampleProblem"/>.</summary>
    private sealed class BadSample(SampleProblemReason reason, string detail) : Exception(detail)
    {
        public SampleProblemReason Reason { get; } = reason;
    }

    private static string? IdOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.String => id.GetString(),
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            }
            : null;

    private static Sample LoadSample(JsonElement item, string? id, string mediaRoot, DataFileReader reader)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new BadSample(SampleProblemReason.Malformed, "is not a JSON object");
        }
        if (id is null)
        {
            throw new BadSample(SampleProblemReason.Malformed, "has no \"id\" (a string or a number)");
        }
        var mediaKeys = MediaPlaceholders.Modalities.Where(m => item.TryGetProperty(m, out _)).ToList();
        if (mediaKeys.Count > 1)
        {
            throw new BadSample(SampleProblemReason.Malformed,
                $"has both {string.Join(" and ", mediaKeys.Select(k => $"\"{k}\""))}; a sample holds at most one media item");
        }
        var modality = mediaKeys.SingleOrDefault();
        var turns = ReadTurns(item);
        CheckPlaceholders(turns, modality);

        MediaSource? media = null;
        if (modality is not null)
        {
            var relative = item.GetProperty(modality);
            if (relative.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(relative.GetString()))
            {
                throw new BadSample(SampleProblemReason.Malformed, $"\"{modality}\" must be a file path");
            }
            if (relative.GetString()!.Contains('\0'))
            {
                throw new BadSample(SampleProblemReason.Malformed, $"\"{modality}\" must be a file path, without NUL characters");
            }
            var path = Path.Combine(mediaRoot, relative.GetString()!);
            // What the path names is checked without opening it: a named pipe would block, a device never end.
            if (MediaPathInspector.Inspect(modality, path) is { } problem)
            {
                throw new BadSample(problem.Reason, problem.Detail);
            }
            media = new MediaFile(modality, path, $"{id} ({relative.GetString()})", reader);
        }
        return new Sample(id, turns, media, modality ?? "text");
    }

    private static List<ConversationTurn> ReadTurns(JsonElement item)
    {
        if (!item.TryGetProperty("conversations", out var conversations) || conversations.ValueKind is JsonValueKind.Null
            || (conversations.ValueKind == JsonValueKind.Array && conversations.GetArrayLength() == 0))
        {
            throw new BadSample(SampleProblemReason.Malformed, "has no conversations");
        }
        if (conversations.ValueKind != JsonValueKind.Array)
            throw new BadSample(SampleProblemReason.Malformed, $"has 'conversations' as a {conversations.ValueKind.ToString().ToLowerInvariant()}; it must be a list of turns");
        var turns = new List<ConversationTurn>();
        foreach (var turn in conversations.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object
                || !turn.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String
                || !turn.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw new BadSample(SampleProblemReason.Malformed, $"turn {turns.Count + 1} needs string \"from\" and \"value\"");
            }
            var speaker = from.GetString()!;
            if (turns.Count == 0 && speaker != ConversationTurn.Human)
            {
                throw new BadSample(SampleProblemReason.Malformed, $"the first turn is from '{speaker}', expected '{ConversationTurn.Human}'");
            }
            if (speaker is not (ConversationTurn.Human or ConversationTurn.Assistant))
            {
                throw new BadSample(SampleProblemReason.Malformed,
                    $"turn {turns.Count + 1} is from '{speaker}', expected '{ConversationTurn.Human}' or '{ConversationTurn.Assistant}'");
            }
            turns.Add(new ConversationTurn(speaker, value.GetString()!));
        }
        return turns;
    }

    private static void CheckPlaceholders(List<ConversationTurn> turns, string? modality)
    {
        foreach (var other in MediaPlaceholders.Modalities)
        {
            var inHuman = turns.Where(t => t.From == ConversationTurn.Human).Sum(t => MediaPlaceholders.Count(t.Value, other));
            var inAnswers = turns.Where(t => t.From == ConversationTurn.Assistant).Sum(t => MediaPlaceholders.Count(t.Value, other));
            var placeholder = MediaPlaceholders.For(other);
            string? problem = null;
            if (inAnswers > 0)
            {
                problem = $"a gpt turn contains {placeholder}; placeholders belong in human turns";
            }
            else if (other == modality && inHuman != 1)
            {
                problem = $"has {Noun(other)} but its human turns contain {placeholder} {inHuman} times, expected exactly once";
            }
            else if (other != modality && inHuman > 0)
            {
                problem = modality is null
                    ? $"has no media but its turns contain {placeholder}"
                    : $"has {Noun(modality)} but its turns contain {placeholder}";
            }
            if (problem is not null)
            {
                throw new BadSample(SampleProblemReason.PlaceholderMismatch, problem);
            }
        }
    }

    private static string Noun(string modality) => modality == "image" ? "an image" : modality;
}
