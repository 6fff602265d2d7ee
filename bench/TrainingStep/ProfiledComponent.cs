using System.Diagnostics;
using Pipeline.Contracts.Runtime;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// One kind of operation of the training step, timed alone at the step's shapes: its inputs are made once, and every
/// call times the forward (on the CPU an operation has finished when its call returns) and then, separately, the
/// backward from a fixed upstream gradient, inside one dispose scope.
/// </summary>
/// <remarks>
/// An input the step needs the gradient of is handed to each call as a fresh leaf (a detached view of the stored tensor
/// with <c>requires_grad</c>), so no call adds into the gradient of an earlier one: in the step, such an input is an
/// intermediate result whose gradient flows straight on. Inputs keep the memory layout the step's preceding operation
/// gives them (they are made by running that operation once).
/// </remarks>
internal sealed class ProfiledComponent
{
    private readonly IReadOnlyList<(Tensor Stored, bool NeedsGradient)> _inputs;
    private readonly Func<IReadOnlyList<Tensor>, Tensor?> _forward;
    private readonly Tensor? _upstreamGradient;
    private readonly Action? _beforeEachCall;

    /// <param name="name">What the component is, as the table shows it.</param>
    /// <param name="forwardCount">How many times one step runs its forward.</param>
    /// <param name="backwardCount">How many times one step runs its backward (0: the step needs no gradient through it).</param>
    /// <param name="forwardFlops">Counted matrix-product FLOPs of one forward call (0 for element-wise work).</param>
    /// <param name="backwardFlops">Counted matrix-product FLOPs of one backward call.</param>
    /// <param name="inputs">The inputs, made once; those flagged are handed over as fresh leaves that need gradients.</param>
    /// <param name="forward">The operation, from the inputs to its output (<c>null</c> when there is none).</param>
    /// <param name="upstreamGradient">The gradient the backward starts from (shape of the output); <c>null</c> for a scalar output.</param>
    /// <param name="beforeEachCall">Untimed work before every call (e.g. zeroing parameter gradients as the step's optimizer does).</param>
    public ProfiledComponent(string name, int forwardCount, int backwardCount, double forwardFlops, double backwardFlops,
        IReadOnlyList<(Tensor Stored, bool NeedsGradient)> inputs, Func<IReadOnlyList<Tensor>, Tensor?> forward,
        Tensor? upstreamGradient = null, Action? beforeEachCall = null)
    {
        Name = name;
        ForwardCount = forwardCount;
        BackwardCount = backwardCount;
        ForwardFlops = forwardFlops;
        BackwardFlops = backwardFlops;
        _inputs = inputs;
        _forward = forward;
        _upstreamGradient = upstreamGradient;
        _beforeEachCall = beforeEachCall;
    }

    /// <summary>What the component is.</summary>
    public string Name { get; }

    /// <summary>Forward calls per step.</summary>
    public int ForwardCount { get; }

    /// <summary>Backward calls per step (0 when the step needs no gradient through it: only the forward is timed).</summary>
    public int BackwardCount { get; }

    /// <summary>Counted matrix-product FLOPs of one forward call.</summary>
    public double ForwardFlops { get; }

    /// <summary>Counted matrix-product FLOPs of one backward call.</summary>
    public double BackwardFlops { get; }

    /// <summary>Counted matrix-product FLOPs per step, <c>forward count x forward FLOPs + backward count x backward FLOPs</c>.</summary>
    public double FlopsPerStep => ForwardCount * ForwardFlops + BackwardCount * BackwardFlops;

    /// <summary>One call: milliseconds of the forward and of the backward (0 when the component has none).</summary>
    public (double Forward, double Backward) TimeOneCall() => FinalizerFence.Run(() =>
    {
        using var scope = NewDisposeScope();
        _beforeEachCall?.Invoke();
        var inputs = _inputs.Select(i => i.NeedsGradient ? i.Stored.detach().requires_grad_(true) : i.Stored).ToList();
        var clock = Stopwatch.StartNew();
        Tensor? output = _forward(inputs);
        double forward = clock.Elapsed.TotalMilliseconds;
        if (BackwardCount == 0 || output is null) return (forward, 0.0);
        clock.Restart();
        if (_upstreamGradient is null) output.backward();
        else output.backward([_upstreamGradient]);
        return (forward, clock.Elapsed.TotalMilliseconds);
    });
}
