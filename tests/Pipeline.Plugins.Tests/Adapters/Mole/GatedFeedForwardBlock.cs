using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>A test feed-forward site shaped like the host's LlamaMlp: <c>down(silu(gate(h)) * up(h))</c>, observers first.</summary>
internal sealed class GatedFeedForwardBlock : nn.Module<Tensor, Tensor>, IFeedForwardSite
{
    private readonly AdaptableLinear gate_proj;
    private readonly AdaptableLinear up_proj;
    private readonly AdaptableLinear down_proj;
    private readonly List<nn.Module<Tensor, Tensor>> _observers = [];

    public GatedFeedForwardBlock(int layerIndex, int width, int hidden, Device? device) : base(nameof(GatedFeedForwardBlock))
    {
        LayerIndex = layerIndex;
        gate_proj = new AdaptableLinear(width, hidden, hasBias: false, device: device);
        up_proj = new AdaptableLinear(width, hidden, hasBias: false, device: device);
        down_proj = new AdaptableLinear(hidden, width, hasBias: false, device: device);
        RegisterComponents();
    }

    public int LayerIndex { get; }

    public ILinearSite Gate => gate_proj;

    public ILinearSite Up => up_proj;

    public ILinearSite Down => down_proj;

    public AdaptableLinear GateProjection => gate_proj;

    public AdaptableLinear UpProjection => up_proj;

    public AdaptableLinear DownProjection => down_proj;

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
