using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A DoRA-shaped weight transform (<see cref="IWeightTransformSite"/>, contracts 1.6):
/// <c>W' = Magnitude * V / ||V||</c> with <c>V = W + Scale * B A</c>, the norm taken per output row (over the input
/// features), so row <c>i</c> of <c>W'</c> has length <c>Magnitude[i]</c>. Implementing it lets the host export the adapter in
/// PEFT's LoRA format with <c>use_dora</c> (<c>lora_A.weight</c> = <see cref="A"/>, <c>lora_B.weight</c> = <see cref="B"/>,
/// <c>lora_magnitude_vector</c> = <see cref="Magnitude"/>, <c>lora_alpha</c> = <see cref="Scale"/> * r, no dropout).
/// </summary>
public interface IWeightDecomposedLowRankTransform
{
    /// <summary>The down projection A, <c>r x InFeatures</c> (the parameter itself, not a copy).</summary>
    Tensor A { get; }

    /// <summary>The up projection B, <c>OutFeatures x r</c> (the parameter itself, not a copy).</summary>
    Tensor B { get; }

    /// <summary>The length of each output row of the transformed weight, <c>OutFeatures</c> (the parameter itself).</summary>
    Tensor Magnitude { get; }

    /// <summary>The factor applied to <c>B A</c> (PEFT's <c>lora_alpha / r</c>).</summary>
    double Scale { get; }
}
