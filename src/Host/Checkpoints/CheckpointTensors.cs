using Pipeline.Host.Safetensors;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Checkpoints;

/// <summary>
/// The tensor work of writing a checkpoint, kept apart from the file I/O: checking that every tensor is finite and
/// serializing tensors to safetensors bytes in memory. Both run inside a <see cref="FinalizerFence"/> with a dispose
/// scope per tensor, so no finalizer races a native call and no temporary outlives its check.
/// </summary>
public static class CheckpointTensors
{
    /// <summary>The name of the first tensor holding a NaN or an infinity, or <c>null</c> when all are finite.</summary>
    public static string? FirstNonFinite(IEnumerable<(string Name, Tensor Tensor)> tensors) =>
        FinalizerFence.Run(() =>
        {
            using var noGrad = no_grad();
            foreach (var (name, tensor) in tensors)
            {
                using var scope = NewDisposeScope();
                if (!tensor.isfinite().all().item<bool>()) return name;
            }
            return (string?)null;
        });

    /// <summary>The safetensors file of <paramref name="tensors"/>, floating-point ones stored as F32.</summary>
    public static ByteChunks Serialize(IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = new ByteChunks();
        FinalizerFence.Run(() =>
        {
            using var noGrad = no_grad();
            SafetensorsWriter.Write(bytes, tensors, SafetensorsDType.F32, metadata);
            return bytes.Length;
        });
        return bytes;
    }
}
