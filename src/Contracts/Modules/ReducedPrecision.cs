using static TorchSharp.torch;

namespace Pipeline.Contracts.Modules;

/// <summary>
/// The rule for frozen weights stored in reduced precision (YAML <c>model.dtype</c>, contracts 1.3): a module whose own
/// weights are <c>bfloat16</c> or <c>float16</c> computes with them in that type, and whatever adapters add is computed
/// in float32 from a widened input. <see cref="AdaptableLinear"/> and <see cref="AttentionInputSlot"/> apply it for their
/// attached adapters; a plugin with its own site can call these helpers to do the same.
/// </summary>
public static class ReducedPrecision
{
    /// <summary>Whether <paramref name="dtype"/> is a reduced floating-point type (<c>bfloat16</c> or <c>float16</c>).</summary>
    public static bool IsReduced(ScalarType dtype) => dtype is ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>float32 for a reduced type, <paramref name="dtype"/> itself otherwise (float32 and float64 are never narrowed).</summary>
    public static ScalarType Widened(ScalarType dtype) => IsReduced(dtype) ? ScalarType.Float32 : dtype;

    /// <summary><paramref name="tensor"/> as float32 when it is of a reduced type, else the tensor itself (no copy).</summary>
    public static Tensor Widen(Tensor tensor) => IsReduced(tensor.dtype) ? tensor.to_type(ScalarType.Float32) : tensor;

    /// <summary><paramref name="tensor"/> converted to <paramref name="dtype"/>, or the tensor itself when it already has it.</summary>
    public static Tensor As(Tensor tensor, ScalarType dtype) => tensor.dtype == dtype ? tensor : tensor.to_type(dtype);
}
