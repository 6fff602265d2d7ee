using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Samples.Ia3;

/// <summary>
/// The IA3 delta on one projection <c>y = W x + b</c>: a learned vector <c>l</c> (one entry per output channel,
/// initialised to ones) with <c>delta(x) = (l - 1) * (W x)</c>, so the adapted projection computes
/// <c>l * (W x) + b</c>, the identity at initialisation. State-dict key: <c>&lt;site path&gt;.&lt;adapter name&gt;.scale</c>.
/// </summary>
/// <remarks>
/// The bias is not rescaled because <see cref="ILinearSite"/> does not expose it; the LLaMA-style projections IA3 is
/// meant for have none, so there the delta is exact. The delta recomputes <c>W x</c> (the site's own product is not
/// available to deltas), which doubles the matmul cost of every targeted projection.
/// The delta is deliberately not an <see cref="IMergeableLinearDelta"/>: its matrix <c>diag(l - 1) W</c> is a function
/// of <c>W</c> itself, so after a merge changes <c>W</c> the matrix an unmerge would subtract is no longer the one
/// that was added.
/// </remarks>
public sealed class Ia3Scale : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _scale;

    // The site's weight is read through a delegate, not an ILinearSite field: TorchSharp's register_module runs
    // RegisterComponents on the child, which registers every field whose value is a Module, and the site (this
    // module's parent) would become its own grandchild, sending named_parameters into endless recursion.
    private readonly Func<Tensor> _baseWeight;

    /// <param name="site">The projection this delta extends; its current weight is read on every forward.</param>
    /// <param name="device">Where to create the scale vector.</param>
    public Ia3Scale(ILinearSite site, Device device) : base(nameof(Ia3Scale))
    {
        _baseWeight = () => site.Weight;
        _scale = new Parameter(ones(site.OutFeatures, dtype: site.Weight.dtype, device: device));
        register_parameter("scale", _scale);
    }

    /// <summary>The learned per-output-channel scale <c>l</c>, shape <c>OutFeatures</c>.</summary>
    public Tensor Scale => _scale;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor projected = nn.functional.linear(input, _baseWeight());
        return ((_scale - 1) * projected).MoveToOuterDisposeScope();
    }
}
