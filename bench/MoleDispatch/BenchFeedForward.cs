using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Bench.MoleDispatch;

/// <summary>
/// A gated feed-forward block shaped like the host's LlamaMlp, <c>down(silu(gate(h)) * up(h))</c>, with its input
/// observers called first: the part of a decoder layer where LoRA and MoLE differ.
/// </summary>
internal sealed class BenchFeedForward : nn.Module<Tensor, Tensor>, IFeedForwardSite
{
    private readonly AdaptableLinear gate_proj;
    private readonly AdaptableLinear up_proj;
    private readonly AdaptableLinear down_proj;
    private readonly List<nn.Module<Tensor, Tensor>> _observers = [];

    public BenchFeedForward(int width, int hidden) : base(nameof(BenchFeedForward))
    {
        gate_proj = new AdaptableLinear(width, hidden, hasBias: false);
        up_proj = new AdaptableLinear(width, hidden, hasBias: false);
        down_proj = new AdaptableLinear(hidden, width, hasBias: false);
        RegisterComponents();
    }

    public int LayerIndex => 0;

    public ILinearSite Gate => gate_proj;

    public ILinearSite Up => up_proj;

    public ILinearSite Down => down_proj;

    public void AttachInputObserver(string adapterName, nn.Module<Tensor, Tensor> observer)
    {
        register_module(adapterName, observer);
        _observers.Add(observer);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        foreach (var observer in _observers) observer.call(input);
        Tensor hidden = nn.functional.silu(gate_proj.call(input)) * up_proj.call(input);
        return down_proj.call(hidden).MoveToOuterDisposeScope();
    }
}
