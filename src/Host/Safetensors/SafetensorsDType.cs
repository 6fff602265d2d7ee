using static TorchSharp.torch;

namespace Pipeline.Host.Safetensors;

/// <summary>The element types this project reads and writes in safetensors files, with their header names.</summary>
public enum SafetensorsDType
{
    /// <summary>32-bit float, header name <c>F32</c>.</summary>
    F32,

    /// <summary>IEEE half precision, header name <c>F16</c>.</summary>
    F16,

    /// <summary>bfloat16, header name <c>BF16</c>.</summary>
    BF16,

    /// <summary>64-bit signed integer, header name <c>I64</c> (for example CLIP's <c>position_ids</c> buffer).</summary>
    I64,

    /// <summary>32-bit signed integer, header name <c>I32</c>.</summary>
    I32,

    /// <summary>Boolean, one byte per element, header name <c>BOOL</c>.</summary>
    BOOL,
}

/// <summary>Conversions between <see cref="SafetensorsDType"/>, header names, element sizes and TorchSharp scalar types.</summary>
public static class SafetensorsDTypes
{
    /// <summary>The header name of <paramref name="dtype"/> (<c>F32</c>, <c>BF16</c>, ...).</summary>
    public static string HeaderName(SafetensorsDType dtype) => dtype.ToString();

    /// <summary>Parses a header dtype name; throws <see cref="InvalidDataException"/> naming the supported ones.</summary>
    public static SafetensorsDType Parse(string name, string tensorName) =>
        Enum.TryParse<SafetensorsDType>(name, ignoreCase: false, out var dtype) && Enum.IsDefined(dtype)
            ? dtype
            : throw new InvalidDataException(
                $"tensor '{tensorName}' has dtype '{name}'; supported: {string.Join(", ", Enum.GetNames<SafetensorsDType>())}");

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I64 => 8,
        SafetensorsDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The TorchSharp scalar type with the same memory layout.</summary>
    public static ScalarType ToScalarType(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => ScalarType.Float32,
        SafetensorsDType.F16 => ScalarType.Float16,
        SafetensorsDType.BF16 => ScalarType.BFloat16,
        SafetensorsDType.I64 => ScalarType.Int64,
        SafetensorsDType.I32 => ScalarType.Int32,
        SafetensorsDType.BOOL => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The safetensors type of a TorchSharp scalar type; throws for types this project does not store.</summary>
    public static SafetensorsDType FromScalarType(ScalarType type, string tensorName) => type switch
    {
        ScalarType.Float32 => SafetensorsDType.F32,
        ScalarType.Float16 => SafetensorsDType.F16,
        ScalarType.BFloat16 => SafetensorsDType.BF16,
        ScalarType.Int64 => SafetensorsDType.I64,
        ScalarType.Int32 => SafetensorsDType.I32,
        ScalarType.Bool => SafetensorsDType.BOOL,
        _ => throw new NotSupportedException($"tensor '{tensorName}' has type {type}; safetensors files here hold F32, F16, BF16, I64, I32 or BOOL"),
    };

    /// <summary>Whether <paramref name="dtype"/> is a floating-point type (the ones a dtype conversion applies to).</summary>
    public static bool IsFloatingPoint(SafetensorsDType dtype) => dtype is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16;
}
