using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MyAdapter;

/// <summary>The delta on one projection <c>y = W x + b</c>: a learned vector added to its output, zero at first, so the
/// adapted model starts as the base model. State-dict key: <c>&lt;site path&gt;.&lt;adapter name&gt;.bias</c>.</summary>
public sealed class OutputBias : nn.Module<Tensor, Tensor>
{
    private readonly Parameter bias;

    /// <param name="outFeatures">The projection's output width.</param>
    /// <param name="device">Where to create the parameter: the host's choice (<c>meta</c> when it only counts).</param>
    public OutputBias(int outFeatures, Device device) : base(nameof(OutputBias))
    {
        bias = new Parameter(zeros(outFeatures, device: device));
        RegisterComponents();
    }

    /// <summary>Input <c>... x InFeatures</c>; output <c>... x OutFeatures</c>, the bias broadcast over the leading dimensions.</summary>
    public override Tensor forward(Tensor input)
    {
        long[] shape = input.shape.ToArray();
        shape[^1] = bias.shape[0];
        return bias.expand(shape);
    }
}
