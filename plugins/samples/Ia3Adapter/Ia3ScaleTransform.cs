using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Samples.Ia3;

/// <summary>
/// The IA3 weight transform on one projection <c>y = W x</c>: a learned vector <c>l</c> (one entry per output channel,
/// initialised to ones) with <c>T(W) = diag(l) W</c>, so the projection computes <c>(diag(l) W) x = l * (W x)</c> with its
/// one matrix product, and starts as the identity. State-dict key: <c>&lt;site path&gt;.&lt;adapter name&gt;.scale</c>.
/// </summary>
/// <remarks>
/// Attached through <c>IWeightTransformSite.AttachWeightTransform</c>, which merges it exactly (<c>W := diag(l) W</c>, the
/// old weight kept and put back on unmerge). Only projections without a bias are targeted (see
/// <see cref="Ia3AdapterFactory"/>): the transform cannot reach the bias, and IA3 scales the whole output.
/// </remarks>
public sealed class Ia3ScaleTransform : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _scale;

    /// <param name="outFeatures">The projection's output features, the length of <c>l</c>.</param>
    /// <param name="device">Where to create the scale vector.</param>
    public Ia3ScaleTransform(int outFeatures, Device device) : base(nameof(Ia3ScaleTransform))
    {
        // float32 whatever the weight's storage type: the site hands transforms the weight widened to float32.
        _scale = new Parameter(ones(outFeatures, dtype: ScalarType.Float32, device: device));
        register_parameter("scale", _scale);
    }

    /// <summary>The learned per-output-channel scale <c>l</c>, shape <c>OutFeatures</c>.</summary>
    public Tensor Scale => _scale;

    /// <summary>Returns <c>diag(l) W</c>: row <c>i</c> of <paramref name="weight"/> (<c>OutFeatures x InFeatures</c>) times <c>l[i]</c>.</summary>
    public override Tensor forward(Tensor weight) => _scale.unsqueeze(1) * weight;
}
