using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mole;

/// <summary>
/// A test component for MoLE: <paramref name="layers"/> <see cref="TinyDecoderLayer"/>s, with site paths
/// <c>layers.{i}.q_proj</c>, <c>layers.{i}.mlp</c> and <c>layers.{i}.mlp.{gate,up,down}_proj</c>.
/// </summary>
internal sealed class TinyDecoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<TinyDecoderLayer> layers;

    public TinyDecoder(int layers, int width, int hidden, Device? device = null) : base(nameof(TinyDecoder))
    {
        this.layers = new ModuleList<TinyDecoderLayer>(Enumerable.Range(0, layers).Select(i => new TinyDecoderLayer(i, width, hidden, device)).ToArray());
        RegisterComponents();
    }

    public TinyDecoderLayer this[int index] => layers[index];

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor hidden = input;
        foreach (var layer in layers) hidden = layer.call(hidden);
        return hidden.MoveToOuterDisposeScope();
    }
}
