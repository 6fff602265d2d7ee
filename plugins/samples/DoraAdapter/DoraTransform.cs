using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Samples.Dora;

/// <summary>
/// The DoRA weight transform of one projection: <c>T(W) = m * V / ||V||</c> with <c>V = W + Scale * B A</c>, the norm
/// taken per output row (over the input features), so row <c>i</c> of the result has length <c>m[i]</c>. Attached with
/// <see cref="IWeightTransformSite.AttachWeightTransform"/>, so the projection still runs one matrix product.
/// State-dict keys under <c>&lt;site path&gt;.&lt;adapter name&gt;.</c>: <c>lora_A.weight</c> (<c>r x InFeatures</c>),
/// <c>lora_B.weight</c> (<c>OutFeatures x r</c>) and <c>magnitude</c> (<c>OutFeatures</c>).
/// </summary>
/// <remarks>
/// A starts Kaiming-uniform (as <c>nn.Linear</c> and the <c>lora</c> adapter), B at zero and <c>m</c> at <c>||W||</c>, so
/// a fresh transform returns <c>W</c>: <c>m / ||W||</c> is exactly 1 because both norms are the same computation on the
/// same values. The norm <c>||V||</c> is detached: the backward treats it as a constant (the memory-saving variant the
/// DoRA authors propose; PEFT does the same). Forward values are unaffected; only the gradients of A and B lose the term
/// that would flow through the norm.
/// </remarks>
public sealed class DoraTransform : nn.Module<Tensor, Tensor>, IWeightDecomposedLowRankTransform
{
    [ComponentName(Name = "lora_A")]
    private readonly Linear _down;

    [ComponentName(Name = "lora_B")]
    private readonly Linear _up;

    [ComponentName(Name = "magnitude")]
    private readonly Parameter _magnitude;

    /// <param name="weight">The projection's weight as it is now (<c>OutFeatures x InFeatures</c>); <c>m</c> starts at its row norms.</param>
    /// <param name="rank">The rank r.</param>
    /// <param name="scale">The factor <c>alpha / r</c> on <c>B A</c>.</param>
    /// <param name="device">Where to create the parameters.</param>
    /// <param name="generator">Random source for A's initialisation; <c>null</c> for the global one (or on the meta device).</param>
    public DoraTransform(Tensor weight, int rank, double scale, Device device, Generator? generator) : base(nameof(DoraTransform))
    {
        int outFeatures = (int)weight.shape[0], inFeatures = (int)weight.shape[1];
        // float32 when the base weight is stored in a reduced type: the site hands transforms the weight widened to float32.
        ScalarType type = ReducedPrecision.Widened(weight.dtype);
        Scale = scale;
        _down = nn.Linear(inFeatures, rank, hasBias: false, device: device, dtype: type);
        _up = nn.Linear(rank, outFeatures, hasBias: false, device: device, dtype: type);
        _magnitude = new Parameter(empty(outFeatures, dtype: type, device: device));
        using (no_grad())
        {
            // nn.Linear's Kaiming-uniform with a = sqrt 5 is uniform in [-1/sqrt(in), 1/sqrt(in)]; written out because
            // TorchSharp's kaiming_uniform_ takes no generator.
            double bound = 1.0 / Math.Sqrt(inFeatures);
            _down.weight!.uniform_(-bound, bound, generator);
            nn.init.zeros_(_up.weight!);
        }
        RegisterComponents();
        ResetMagnitude(weight);
    }

    /// <summary>The rank r.</summary>
    public int Rank => (int)_down.weight!.shape[0];

    /// <inheritdoc />
    public double Scale { get; }

    /// <summary>A, <c>r x InFeatures</c> (state-dict key <c>lora_A.weight</c>).</summary>
    public Parameter A => _down.weight!;

    /// <summary>B, <c>OutFeatures x r</c> (state-dict key <c>lora_B.weight</c>).</summary>
    public Parameter B => _up.weight!;

    /// <summary>The learned row lengths <c>m</c>, <c>OutFeatures</c> (state-dict key <c>magnitude</c>).</summary>
    public Parameter Magnitude => _magnitude;

    Tensor IWeightDecomposedLowRankTransform.A => A;

    Tensor IWeightDecomposedLowRankTransform.B => B;

    Tensor IWeightDecomposedLowRankTransform.Magnitude => Magnitude;

    /// <summary>
    /// Sets <c>m</c> in place to the row norms of <c>W + Scale * B A</c> for <paramref name="weight"/>: with B still at zero,
    /// the transform becomes the identity on that weight.
    /// </summary>
    public void ResetMagnitude(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _magnitude.copy_(RowNorms(Direction(ReducedPrecision.Widen(weight).to(_magnitude.device))));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor weight)
    {
        using var scope = NewDisposeScope();
        Tensor direction = Direction(weight);
        // Detached: the norm is a constant in the backward (forward values are the same).
        Tensor factor = (_magnitude / RowNorms(direction.detach())).unsqueeze(1);
        return (factor * direction).MoveToOuterDisposeScope();
    }

    /// <summary><c>V = W + Scale * B A</c>.</summary>
    private Tensor Direction(Tensor weight) => weight + B.matmul(A).mul_(Scale);

    /// <summary>The L2 norm of each row (over the input features), <c>OutFeatures</c>.</summary>
    private static Tensor RowNorms(Tensor matrix) => linalg.vector_norm(matrix, 2, [1], keepdim: false);
}
