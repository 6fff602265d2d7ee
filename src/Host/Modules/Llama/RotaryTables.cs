using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// The rotary tables of one model, built once for a fixed number of positions and handed out as views of their first
/// <c>N</c> rows, so a forward does not rebuild them. The capacity is the model's whole sequence (text limit plus any
/// attached prefixes), never the length of the batch at hand: every table entry is then computed the same way whatever
/// batches came before, which keeps a resumed run identical to an uninterrupted one. The tables are a cache, not
/// weights: they live outside every dispose scope and the state dict, and are rebuilt when the device, dtype or
/// capacity changes.
/// </summary>
public sealed class RotaryTables(int headDim, double theta) : IDisposable
{
    private Tensor? _cos;
    private Tensor? _sin;

    /// <summary>
    /// Returns <c>(cos, sin)</c>, each <c>N x head_dim</c>, for positions 0..<paramref name="length"/>-1, as views of
    /// tables built for <paramref name="capacity"/> positions. A length beyond the capacity gets tables built for it alone.
    /// </summary>
    public (Tensor Cos, Tensor Sin) Tables(int length, int capacity, Device device, ScalarType dtype)
    {
        if (length > capacity) return RotaryEmbedding.Tables(length, headDim, theta, device, dtype);
        if (_cos is null || _sin is null || _cos.shape[0] != capacity || _cos.device_type != device.type || _cos.device_index != device.index || _cos.dtype != dtype)
        {
            Dispose();
            using var noGrad = no_grad();
            var (cos, sin) = RotaryEmbedding.Tables(capacity, headDim, theta, device, dtype);
            (_cos, _sin) = (cos.DetachFromDisposeScope(), sin.DetachFromDisposeScope());
        }
        return (_cos.narrow(0, 0, length), _sin.narrow(0, 0, length));
    }

    /// <summary>Frees the cached tables (they are rebuilt on the next call).</summary>
    public void Dispose()
    {
        _cos?.Dispose();
        _sin?.Dispose();
        (_cos, _sin) = (null, null);
    }
}
