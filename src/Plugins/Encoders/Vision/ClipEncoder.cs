using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>The stack of CLIP blocks (<c>encoder.layers.{i}</c>).</summary>
public sealed class ClipEncoder : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "layers")] private readonly ModuleList<ClipEncoderLayer> _layers;
    private readonly ClipEncoderLayer[] _layersInOrder;

    /// <param name="options">The tower's options.</param>
    /// <param name="device">The device to create the parameters on.</param>
    public ClipEncoder(VisionEncoderOptions options, Device device) : base(nameof(ClipEncoder))
    {
        _layersInOrder = Enumerable.Range(0, options.Layers).Select(i => new ClipEncoderLayer(i, options, device)).ToArray();
        _layers = nn.ModuleList(_layersInOrder);
        RegisterComponents();
    }

    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<ClipEncoderLayer> Layers => _layersInOrder;

    /// <summary>Runs every block; returns the last hidden state.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor hidden = input;
        foreach (var layer in _layersInOrder) hidden = layer.call(hidden);
        return hidden.MoveToOuterDisposeScope();
    }
}
