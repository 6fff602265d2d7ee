namespace Pipeline.Host.Config;

/// <summary>
/// How a component's frozen weights are stored (YAML <c>model.dtype</c> and <c>model.dtypes</c>). Trainable weights,
/// adapters and projectors are float32 whatever this says.
/// </summary>
public enum WeightDtype
{
    /// <summary>32-bit floating point: no reduction (the default).</summary>
    Float32,

    /// <summary>bfloat16: float32's exponent range with an 8-bit significand (relative rounding error at most 2^-8).</summary>
    Bfloat16,

    /// <summary>IEEE half precision: 11-bit significand, largest finite value 65504.</summary>
    Float16,
}
