using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// A 1-D convolution over time with <c>nn.Conv1d</c>'s parameters, state-dict names (<c>weight</c>: out x in x k,
/// <c>bias</c>) and initialisation, computed as an explicit unfold and matrix product.
/// </summary>
/// <remarks>
/// Non-finite outputs from finite inputs first showed up inside libtorch's CPU <c>conv1d</c> and <c>conv2d</c> during
/// training on these machines (the quickstart's loss turned NaN at steps 58 to 476 of 700 in most runs). The
/// unfold-and-matmul form computes the same sums with the matrix kernels the rest of the model uses. The underlying
/// cause was later traced to TorchSharp finalizers racing native calls, which the host now fences off; this form is
/// kept until the library convolution is re-measured under that fence.
/// </remarks>
public sealed class TemporalConvolution : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _stride;
    private readonly long _padding;

    public TemporalConvolution(int inChannels, int outChannels, int kernelSize, int stride, int padding, Device device)
        : base(nameof(TemporalConvolution))
    {
        _stride = stride;
        _padding = padding;
        weight = new Parameter(empty(outChannels, inChannels, kernelSize, device: device));
        bias = new Parameter(empty(outChannels, device: device));
        using (no_grad())
        {
            nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
            double bound = 1 / Math.Sqrt(inChannels * kernelSize);
            nn.init.uniform_(bias, -bound, bound);
        }
        RegisterComponents();
    }

    /// <summary>The kernel, <c>out x in x k</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>Convolves <c>B x in x T</c> into <c>B x out x T'</c>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long outChannels = weight.shape[0], inChannels = weight.shape[1], kernel = weight.shape[2];
        Tensor padded = nn.functional.pad(input, [_padding, _padding]);
        // B x in x T' x k  ->  B x T' x (in * k), matching the row-major layout of weight viewed as out x (in * k).
        Tensor windows = padded.unfold(2, kernel, _stride).permute(0, 2, 1, 3).reshape(input.shape[0], -1, inChannels * kernel);
        Tensor output = matmul(windows, weight.reshape(outChannels, inChannels * kernel).t()) + bias;
        return output.transpose(1, 2).MoveToOuterDisposeScope();
    }
}
