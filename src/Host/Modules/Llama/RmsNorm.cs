using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// Root-mean-square layer norm: <c>x / sqrt(mean(x^2) + eps) * weight</c>, computed in float32. A float32 input times
/// a weight stored in reduced precision gives float32 (type promotion), so the residual stream stays float32.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public RmsNorm(int width, double eps) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(width));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = input.to_type(ScalarType.Float32);
        Tensor normed = x * rsqrt(x.pow(2).mean([-1L], keepdim: true) + _eps);
        return (normed.to_type(input.dtype) * weight).MoveToOuterDisposeScope();
    }
}
