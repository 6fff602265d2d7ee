using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Adapters.Mma;

/// <summary>Reading and writing small hand-set tensors in the MM-Adapter tests.</summary>
internal static class MmaTestTensors
{
    /// <summary>The values of a float tensor, flattened.</summary>
    public static float[] Values(Tensor t) => t.data<float>().ToArray();

    /// <summary>Overwrites a matrix parameter with <paramref name="values"/>, outside autograd.</summary>
    public static void Set(Tensor parameter, float[,] values)
    {
        using var noGrad = no_grad();
        parameter.copy_(tensor(values));
    }

    /// <summary>Overwrites a vector parameter with <paramref name="values"/>, outside autograd.</summary>
    public static void Set(Tensor parameter, float[] values)
    {
        using var noGrad = no_grad();
        parameter.copy_(tensor(values));
    }
}
