using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A projection whose base weight adapters may replace by a function of it, <c>W' = T(W)</c>, so the projection computes
/// <c>y = W' x + b</c> with one matrix product (contracts 1.6). This is the site for methods whose change depends on the
/// base weight, such as DoRA (a magnitude times the normalised direction of <c>W + B A</c>) or IA3 (<c>diag(l) W</c>):
/// written as a delta on the output they would need a second product <c>W x</c>.
/// <para>
/// The forward is <c>y = T_k(... T_1(W)) x + b + sum of the deltas</c> (<see cref="ILinearSite.Attach"/>), over the active,
/// unmerged transforms in attachment order. <see cref="ILinearSite.Merge"/> on a transform stores <c>W := T(W)</c> and keeps
/// a copy of the weight before it, which <see cref="ILinearSite.Unmerge"/> puts back exactly (so a merged transform costs
/// one weight's memory). Transforms merge in attachment order; a transform unmerges only when nothing merged after it is
/// still merged, and a delta only when no transform merged after it is. While a transform runs unmerged, a delta cannot be
/// merged (it would be transformed too). Each refusal is an <see cref="InvalidOperationException"/> naming what to do first. A transform should not depend on anything but <c>W</c> and its
/// own parameters.
/// </para>
/// </summary>
public interface IWeightTransformSite : ILinearSite
{
    /// <summary>
    /// Attaches <paramref name="transform"/> under <paramref name="adapterName"/>: a module mapping the weight
    /// (<c>OutFeatures x InFeatures</c>, float32 when the base weight is stored in a reduced type) to a tensor of the same
    /// shape. It becomes a submodule, so its parameters enter the state dict as <c>&lt;site path&gt;.&lt;adapterName&gt;.*</c>.
    /// Its input is the weight itself, not a copy: gradients reach <c>W</c> through it in a stage that trains <c>W</c>
    /// (as for any reparametrisation), and none do when <c>W</c> is frozen. Throws if the name is taken here.
    /// </summary>
    void AttachWeightTransform(string adapterName, nn.Module<Tensor, Tensor> transform);

    /// <summary>The adapter names that attached weight transforms here, in attachment order (a subset of <see cref="ILinearSite.AdapterNames"/>).</summary>
    IReadOnlyList<string> WeightTransformNames { get; }

    /// <summary>The transform attached under <paramref name="adapterName"/>.</summary>
    nn.Module<Tensor, Tensor> GetWeightTransform(string adapterName);
}
