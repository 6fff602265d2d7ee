using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>A linear delta that can be expressed as one weight matrix, so it can be merged into its base projection.</summary>
public interface IMergeableLinearDelta
{
    /// <summary>The matrix <c>D</c> (<c>OutFeatures x InFeatures</c>) with <c>delta(x) = D x</c> in evaluation mode (no dropout).</summary>
    Tensor DeltaWeight();
}
