using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>
/// Rotary position embedding in the Hugging Face LLaMA layout (<c>rotate_half</c> over the two halves of each head).
/// <see cref="Tables"/> computes the tables; a model keeps them in a <see cref="RotaryTables"/> cache, out of the state dict.
/// </summary>
public static class RotaryEmbedding
{
    /// <summary>Returns <c>(cos, sin)</c>, each <c>N x head_dim</c>, for positions 0..N-1.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(int length, int headDim, double theta, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        Tensor inverseFrequency = pow(theta, -arange(0, headDim, 2, dtype: ScalarType.Float32, device: device) / headDim);
        Tensor positions = arange(length, dtype: ScalarType.Float32, device: device);
        Tensor angles = outer(positions, inverseFrequency);
        Tensor doubled = cat([angles, angles], dim: -1);
        return (doubled.cos().to_type(dtype).MoveToOuterDisposeScope(), doubled.sin().to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates <paramref name="x"/> (<c>B x H x N x D</c>) by the tables: <c>x cos + rotate_half(x) sin</c>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        Tensor first = x.narrow(-1, 0, half);
        Tensor second = x.narrow(-1, half, half);
        Tensor rotated = cat([second.neg(), first], dim: -1);
        return x * cos + rotated * sin;
    }
}
