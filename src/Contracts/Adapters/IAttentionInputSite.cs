using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// The input of a block's attention, after its norm: <c>h = x + Attn(T(Norm(x)))</c>. <c>T</c> is the identity
/// until an adapter attaches a transform; several transforms run in attachment order. Position 0 of the sequence
/// is the routing position ([CLS] in encoders, the modality token in the LLM when one is prepended).
/// </summary>
public interface IAttentionInputSite
{
    /// <summary>The block index, from 0.</summary>
    int LayerIndex { get; }

    /// <summary>The width of the hidden state (C).</summary>
    int Width { get; }

    /// <summary>
    /// Attaches <paramref name="transform"/> (<c>B x N x C</c> to <c>B x N x C</c>) under <paramref name="adapterName"/>.
    /// Its parameters enter the state dict under this block.
    /// </summary>
    void Attach(string adapterName, nn.Module<Tensor, Tensor> transform);
}
