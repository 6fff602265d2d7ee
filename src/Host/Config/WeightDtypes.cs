using static TorchSharp.torch;

namespace Pipeline.Host.Config;

/// <summary>Conversions of <see cref="WeightDtype"/>.</summary>
public static class WeightDtypes
{
    /// <summary>The tensor type of <paramref name="dtype"/>.</summary>
    public static ScalarType ToScalarType(this WeightDtype dtype) => dtype switch
    {
        WeightDtype.Bfloat16 => ScalarType.BFloat16,
        WeightDtype.Float16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>The YAML name of a tensor type this project stores weights in (<c>float32</c>, <c>bfloat16</c>, <c>float16</c>).</summary>
    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        ScalarType.Float32 => "float32",
        _ => dtype.ToString().ToLowerInvariant(),
    };
}
