namespace Pipeline.Host.Interop;

/// <summary>What loading a Hugging Face checkpoint into one component found and did.</summary>
public sealed record WeightsLoadReport
{
    /// <summary>The component (<c>llm</c> or an encoder's name).</summary>
    public required string Component { get; init; }

    /// <summary>The checkpoint directory, absolute.</summary>
    public required string Directory { get; init; }

    /// <summary>The key prefix the component's tensors were found under (empty for the whole checkpoint).</summary>
    public required string Prefix { get; init; }

    /// <summary>Module keys given a checkpoint tensor (tied ones included).</summary>
    public required IReadOnlyList<string> Loaded { get; init; }

    /// <summary>Module keys filled from the tensor they are tied to (<c>lm_head.weight</c> from the embedding).</summary>
    public required IReadOnlyList<string> Tied { get; init; }

    /// <summary>Module keys the checkpoint lacks; with <c>strict: false</c> they keep their fresh initialisation.</summary>
    public required IReadOnlyList<string> Missing { get; init; }

    /// <summary>Checkpoint keys that neither map to the component nor belong to a known other part of the checkpoint.</summary>
    public required IReadOnlyList<string> Unexpected { get; init; }

    /// <summary>Checkpoint keys skipped because they belong to another part of the model (a text tower, a decoder) or are not weights.</summary>
    public required IReadOnlyList<string> Unused { get; init; }

    /// <summary>The stored element types converted to the module's, such as <c>BF16</c>.</summary>
    public required IReadOnlyList<string> ConvertedFrom { get; init; }

    /// <summary>Whether tensors were actually read (false when the model lives on the meta device: only names and shapes were checked).</summary>
    public required bool TensorsRead { get; init; }

    /// <summary>Human-readable lines for the run log.</summary>
    public IEnumerable<string> Describe()
    {
        string what = TensorsRead ? "loaded" : "checked (not read: meta device)";
        string conversion = ConvertedFrom.Count > 0 ? $", converted from {string.Join(" and ", ConvertedFrom)}" : "";
        string prefix = Prefix.Length > 0 ? $" under '{Prefix}'" : "";
        yield return $"weights {Component}: {Loaded.Count} tensors {what} from '{Directory}'{prefix}{conversion}";
        if (Tied.Count > 0) yield return $"weights {Component}: tied to other tensors of the checkpoint: {string.Join(", ", Tied)}";
        if (Unused.Count > 0) yield return $"weights {Component}: {Unused.Count} unused tensors of other parts skipped ({WeightsMismatchException.Abbreviate(Unused, 3)})";
        if (Missing.Count > 0) yield return $"weights {Component}: missing, kept as initialised: {WeightsMismatchException.Abbreviate(Missing, 20)}";
        if (Unexpected.Count > 0) yield return $"weights {Component}: unexpected, ignored: {WeightsMismatchException.Abbreviate(Unexpected, 20)}";
    }
}
