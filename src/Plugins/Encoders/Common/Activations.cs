using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Common;

/// <summary>The hidden activations the encoders use, by the names Hugging Face configs give them.</summary>
internal static class Activations
{
    /// <summary>The YAML value for CLIP's sigmoid approximation of GELU.</summary>
    public const string QuickGelu = "quick_gelu";

    /// <summary>The YAML value for the exact (erf) GELU.</summary>
    public const string Gelu = "gelu";

    /// <summary>Applies the activation named <paramref name="name"/>.</summary>
    public static Tensor Apply(string name, Tensor input) => name switch
    {
        // CLIP's quick_gelu: x * sigmoid(1.702 x).
        QuickGelu => input * (input * 1.702).sigmoid(),
        Gelu => nn.functional.gelu(input),
        _ => throw new ArgumentException($"unknown activation '{name}'", nameof(name)),
    };
}
