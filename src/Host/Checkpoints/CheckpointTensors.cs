using Pipeline.Host.Safetensors;
using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// The tensor work of writing a checkpoint, kept apart from the file I/O: checking that every tensor is finite and
/// serializing tensors to safetensors bytes in memory. Each tensor's work runs in its own dispose scope, so no temporary
/// outlives its check; neither passes an implicitly created object to libtorch, so neither needs the
/// <see cref="Contracts.Runtime.FinalizerFence"/> (every temporary is held by the scope until the native call returns).
/// </summary>
public static class CheckpointTensors
{
    /// <summary>The name of the first tensor holding a NaN or an infinity, or <c>null</c> when all are finite.</summary>
    public static string? FirstNonFinite(IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in tensors)
        {
            using var scope = NewDisposeScope();
            if (!tensor.isfinite().all().item<bool>()) return name;
        }
        return null;
    }

    /// <summary>The safetensors file of <paramref name="tensors"/>, floating-point ones stored as F32.</summary>
    public static ByteChunks Serialize(IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = new ByteChunks();
        using var noGrad = no_grad();
        SafetensorsWriter.Write(bytes, tensors, SafetensorsDType.F32, metadata);
        return bytes;
    }
}
