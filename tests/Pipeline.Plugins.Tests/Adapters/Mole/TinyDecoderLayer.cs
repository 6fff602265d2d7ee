using Pipeline.Contracts.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>A test decoder layer without norms: <c>h = x + q_proj(x)</c>, <c>out = h + mlp(h)</c>.</summary>
internal sealed class TinyDecoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly AdaptableLinear q_proj;
    private readonly GatedFeedForwardBlock mlp;

    public TinyDecoderLayer(int layerIndex, int width, int hidden, Device? device) : base(nameof(TinyDecoderLayer))
    {
        q_proj = new AdaptableLinear(width, width, hasBias: false, device: device);
        mlp = new GatedFeedForwardBlock(layerIndex, width, hidden, device);
        RegisterComponents();
    }

    public AdaptableLinear Query => q_proj;

    public GatedFeedForwardBlock Mlp => mlp;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor h = input + q_proj.call(input);
        return (h + mlp.call(h)).MoveToOuterDisposeScope();
    }
}
