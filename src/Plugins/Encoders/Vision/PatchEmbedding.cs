using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>
/// ViT patch embedding with <c>nn.Conv2d(3, C, kernel = stride = P, bias: false)</c>'s weight (<c>weight</c>: C x 3 x P x P)
/// and initialisation, computed as cutting the image into patches and one matrix product (the patches do not overlap,
/// so this is the same sum a strided convolution computes).
/// </summary>
/// <remarks>
/// Written as a matrix product for the same reason as the audio encoder's <c>TemporalConvolution</c> (see there).
/// </remarks>
public sealed class PatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly int _patchSize;

    public PatchEmbedding(int width, int patchSize, Device device) : base(nameof(PatchEmbedding))
    {
        _patchSize = patchSize;
        weight = new Parameter(empty(width, 3, patchSize, patchSize, device: device));
        using (no_grad()) nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        RegisterComponents();
    }

    /// <summary>Embeds <c>B x 3 x S x S</c> pixels into <c>B x (S/P)^2 x C</c> patch tokens, row-major over the patch grid.</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        long batch = pixels.shape[0], grid = pixels.shape[2] / _patchSize, width = weight.shape[0];
        Tensor patches = pixels.reshape(batch, 3, grid, _patchSize, grid, _patchSize)
            .permute(0, 2, 4, 1, 3, 5)
            .reshape(batch, grid * grid, 3 * _patchSize * _patchSize);
        // Normalised pixels arrive as float32; a weight stored in reduced precision (model.dtype) sets the compute type.
        return matmul(patches.to_type(weight.dtype), weight.reshape(width, -1).t()).MoveToOuterDisposeScope();
    }
}
