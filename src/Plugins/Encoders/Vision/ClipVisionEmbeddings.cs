using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Vision;

/// <summary>
/// CLIP's vision embeddings: a bias-free <c>Conv2d</c> that cuts the image into patches, a learned [CLS]
/// embedding prepended at position 0, and a learned position embedding for every position
/// (<c>embeddings.class_embedding</c>, <c>embeddings.patch_embedding.weight</c>, <c>embeddings.position_embedding.weight</c>).
/// </summary>
public sealed class ClipVisionEmbeddings : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "class_embedding")] private readonly Parameter _classEmbedding;
    [ComponentName(Name = "patch_embedding")] private readonly PatchEmbedding _patchEmbedding;
    [ComponentName(Name = "position_embedding")] private readonly Embedding _positionEmbedding;

    /// <param name="imageSize">Side of the (square) input image in pixels.</param>
    /// <param name="patchSize">Side of a square patch; divides <paramref name="imageSize"/>.</param>
    /// <param name="width">The embedding width C.</param>
    /// <param name="device">The device to create the parameters on.</param>
    public ClipVisionEmbeddings(int imageSize, int patchSize, int width, Device device) : base(nameof(ClipVisionEmbeddings))
    {
        int patchesPerSide = imageSize / patchSize;
        _classEmbedding = new Parameter(empty(width, device: device));
        _patchEmbedding = new PatchEmbedding(width, patchSize, device);
        _positionEmbedding = nn.Embedding(patchesPerSide * patchesPerSide + 1, width, device: device);
        using (no_grad())
        {
            // Hugging Face's CLIP initialisation: [CLS] ~ N(0, C^-1/2), positions ~ N(0, 0.02).
            nn.init.normal_(_classEmbedding, 0, 1 / Math.Sqrt(width));
            nn.init.normal_(_positionEmbedding.weight!, 0, 0.02);
        }
        RegisterComponents();
    }

    /// <summary>Embeds normalised pixels (<c>B x 3 x S x S</c>) into <c>B x (1 + patches) x C</c>, [CLS] first.</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        long batch = pixels.shape[0];
        Tensor patches = _patchEmbedding.call(pixels);
        Tensor classToken = _classEmbedding.view(1, 1, -1).expand(batch, 1, -1);
        Tensor tokens = cat([classToken, patches], dim: 1);
        // Adding the whole table equals looking up positions 0..N-1, without building an index tensor.
        return (tokens + _positionEmbedding.weight!.unsqueeze(0)).MoveToOuterDisposeScope();
    }
}
