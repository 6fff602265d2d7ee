using Pipeline.Contracts.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Adapters.Lora;

/// <summary>
/// The LoRA delta of one projection, <c>delta(x) = (alpha / r) * B(A(dropout(x)))</c>, with PEFT's parameter
/// names and shapes: <c>lora_A.weight</c> is <c>r x InFeatures</c>, <c>lora_B.weight</c> is <c>OutFeatures x r</c>.
/// A starts Kaiming-uniform (a = sqrt 5) and B at zero, so a fresh delta is exactly zero. As an
/// <see cref="ILowRankLinearDelta"/> it can be exported in PEFT's LoRA format.
/// </summary>
public sealed class LoraDelta : nn.Module<Tensor, Tensor>, ILowRankLinearDelta
{
    [ComponentName(Name = "lora_A")]
    private readonly Linear _down;

    [ComponentName(Name = "lora_B")]
    private readonly Linear _up;

    [ComponentName(Name = "lora_dropout")]
    private readonly Dropout _dropout;

    /// <param name="inFeatures">Input features of the adapted projection.</param>
    /// <param name="outFeatures">Output features of the adapted projection.</param>
    /// <param name="rank">The rank r.</param>
    /// <param name="scale">The factor <c>alpha / r</c>.</param>
    /// <param name="dropout">Dropout probability on the delta's input.</param>
    /// <param name="device">Where to create the parameters.</param>
    /// <param name="generator">Random source for A's initialisation; <c>null</c> for the global one.</param>
    public LoraDelta(int inFeatures, int outFeatures, int rank, double scale, double dropout,
        Device? device = null, Generator? generator = null) : base(nameof(LoraDelta))
    {
        Rank = rank;
        Scale = scale;
        Dropout = dropout;
        _down = nn.Linear(inFeatures, rank, hasBias: false, device: device);
        _up = nn.Linear(rank, outFeatures, hasBias: false, device: device);
        _dropout = nn.Dropout(dropout);
        using (no_grad())
        {
            // nn.Linear's Kaiming-uniform with a = sqrt 5: gain sqrt(2 / (1 + a^2)) * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
            // Written out because TorchSharp's kaiming_uniform_ takes no generator.
            double bound = 1.0 / Math.Sqrt(inFeatures);
            _down.weight!.uniform_(-bound, bound, generator);
            nn.init.zeros_(_up.weight!);
        }
        RegisterComponents();
    }

    /// <summary>The rank r.</summary>
    public int Rank { get; }

    /// <summary>The factor <c>alpha / r</c>.</summary>
    public double Scale { get; }

    /// <summary>Dropout probability on the delta's input (training mode only).</summary>
    public double Dropout { get; }

    /// <summary>A, <c>r x InFeatures</c> (state-dict key <c>lora_A.weight</c>).</summary>
    public Parameter A => _down.weight!;

    /// <summary>B, <c>OutFeatures x r</c> (state-dict key <c>lora_B.weight</c>).</summary>
    public Parameter B => _up.weight!;

    Tensor ILowRankLinearDelta.A => A;

    Tensor ILowRankLinearDelta.B => B;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor rows = _dropout.call(input).reshape(-1, input.shape[^1]);
        // The same products as B(A(x)), laid out so that none of them, forward or backward, has an output only r wide:
        // libtorch's CPU products are several times slower for an N x r result than for the r x N one. A x^T is r x N;
        // autograd computes the gradient of an operand in the operand's layout, so the column-major hidden^T and the
        // row-major copy of B^T (r x out, tiny) make the backward's products r x N, r x out, r x in and N x in.
        // alpha / r scales the rank-r hidden state, r numbers a token instead of OutFeatures.
        Tensor hiddenT = A.mm(rows.t()).mul_(Scale);
        Tensor delta = hiddenT.t().mm(B.t().contiguous());
        return delta.reshape([.. input.shape[..^1], B.shape[0]]).MoveToOuterDisposeScope();
    }

    /// <summary><c>(alpha / r) * B A</c>, <c>OutFeatures x InFeatures</c>; the caller owns the result.</summary>
    public Tensor DeltaWeight() => B.matmul(A).mul_(Scale);
}
