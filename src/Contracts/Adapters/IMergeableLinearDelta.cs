using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>A linear delta that can be expressed as one weight matrix, so it can be merged into its base projection.</summary>
public interface IMergeableLinearDelta
{
    /// <summary>
    /// The matrix <c>D</c> (<c>OutFeatures x InFeatures</c>) with <c>delta(x) = D x</c> in evaluation mode (no dropout). It must
    /// not depend on the base weight: the site calls it again on unmerge, after the merge changed that weight (a change
    /// that depends on the base weight is a weight transform, <see cref="IWeightTransformSite"/>).
    /// </summary>
    Tensor DeltaWeight();
}
