using Pipeline.Contracts.Modules;
using Pipeline.Plugins.Encoders.Common;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>CLIP's (ungated) MLP: <c>fc2(act(fc1(x)))</c>, with adaptable <c>fc1</c> and <c>fc2</c>.</summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "fc1")] private readonly AdaptableLinear _fc1;
    [ComponentName(Name = "fc2")] private readonly AdaptableLinear _fc2;
    private readonly string _activation;

    /// <param name="width">The block width C.</param>
    /// <param name="hiddenWidth">The MLP hidden width.</param>
    /// <param name="activation"><c>quick_gelu</c> or <c>gelu</c>.</param>
    /// <param name="device">The device to create the parameters on.</param>
    public ClipMlp(int width, int hiddenWidth, string activation, Device device) : base(nameof(ClipMlp))
    {
        _activation = activation;
        _fc1 = new AdaptableLinear(width, hiddenWidth, device: device);
        _fc2 = new AdaptableLinear(hiddenWidth, width, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _fc2.call(Activations.Apply(_activation, _fc1.call(input))).MoveToOuterDisposeScope();
    }
}
