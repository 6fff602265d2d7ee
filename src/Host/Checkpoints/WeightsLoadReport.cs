namespace Pipeline.Host.Checkpoints;

/// <summary>What <see cref="ModelWeights.Load"/> did, by state-dict key, each list in key order.</summary>
/// <param name="Directory">The checkpoint directory read.</param>
/// <param name="Loaded">Keys copied from the file into the model.</param>
/// <param name="Missing">
/// Model keys the file does not hold; they keep their built values. A training checkpoint holds only the weights
/// trained so far, so the frozen base weights (rebuilt from the seed) are always missing from it.
/// </param>
/// <param name="Unexpected">File keys the model does not have; nothing was loaded for them.</param>
public sealed record WeightsLoadReport(string Directory, IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected)
{
    /// <summary>
    /// Returns this report, or throws <see cref="InvalidDataException"/> when the checkpoint held tensors the model does not
    /// have: then it was trained with another configuration, and evaluating or exporting it would silently drop weights.
    /// </summary>
    public WeightsLoadReport RefuseUnexpected() => Unexpected.Count == 0 ? this : throw new InvalidDataException(
        $"'{Directory}' holds {Unexpected.Count} tensors this pipeline's model does not have " +
        $"({string.Join(", ", Unexpected.Take(5))}{(Unexpected.Count > 5 ? ", ..." : "")}); was it trained with another configuration?");
}
