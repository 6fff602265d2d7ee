using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// SwiGLU feed-forward network <c>down(silu(gate(h)) * up(h))</c>. It is the layer's <see cref="IFeedForwardSite"/>:
/// input observers (mixture-of-experts routers) see <c>h</c> before any projection runs.
/// </summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>, IFeedForwardSite, ISwitchableAdapterSite
{
    private readonly AdaptableLinear gate_proj;
    private readonly AdaptableLinear up_proj;
    private readonly AdaptableLinear down_proj;
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Observer)> _observers = [];
    private readonly HashSet<string> _inactive = [];

    public LlamaMlp(int layerIndex, LlamaOptions options) : base(nameof(LlamaMlp))
    {
        LayerIndex = layerIndex;
        gate_proj = new AdaptableLinear(options.HiddenSize, options.IntermediateSize, hasBias: false);
        up_proj = new AdaptableLinear(options.HiddenSize, options.IntermediateSize, hasBias: false);
        down_proj = new AdaptableLinear(options.IntermediateSize, options.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public int LayerIndex { get; }

    public ILinearSite Gate => gate_proj;

    public ILinearSite Up => up_proj;

    public ILinearSite Down => down_proj;

    public void AttachInputObserver(string adapterName, nn.Module<Tensor, Tensor> observer)
    {
        register_module(adapterName, observer);
        _observers.Add((adapterName, observer));
    }

    /// <summary>Switches an input observer off or on; the three projections switch their own adapters.</summary>
    public void SetActive(string adapterName, bool active)
    {
        if (active) _inactive.Remove(adapterName);
        else if (_observers.Any(o => o.Name == adapterName)) _inactive.Add(adapterName);
    }

    public bool IsActive(string adapterName) => !_inactive.Contains(adapterName);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, observer) in _observers)
        {
            if (!_inactive.Contains(name)) AdapterForwardException.Run(name, this, () => observer.call(input));
        }
        Tensor hidden = nn.functional.silu(gate_proj.call(input)) * up_proj.call(input);
        return down_proj.call(hidden).MoveToOuterDisposeScope();
    }
}
