namespace Pipeline.Host.Checkpoints;

/// <summary>What <see cref="ModelWeights.Load"/> did.</summary>
/// <param name="Loaded">State-dict keys copied from the checkpoint.</param>
/// <param name="Missing">State-dict keys the checkpoint does not hold; they keep the values the model was built with.</param>
/// <param name="Unexpected">Checkpoint tensors with no state-dict key of that name; not loaded.</param>
public sealed record WeightLoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected);
