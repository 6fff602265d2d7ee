using static TorchSharp.torch;

namespace Pipeline.Host.Interop;

/// <summary>
/// One adapted projection as PEFT's LoRA format stores it: a LoRA delta (<see cref="Contracts.Adapters.ILowRankLinearDelta"/>)
/// or a DoRA weight transform (<see cref="Contracts.Adapters.IWeightDecomposedLowRankTransform"/>, which has a
/// <see cref="Magnitude"/>). The tensors are the adapter's parameters themselves, not copies.
/// </summary>
/// <param name="Path">The projection's path in its component.</param>
/// <param name="A">The down projection, <c>r x in</c> (<c>lora_A.weight</c>).</param>
/// <param name="B">The up projection, <c>out x r</c> (<c>lora_B.weight</c>).</param>
/// <param name="Scale">The factor on <c>B A</c>, PEFT's <c>lora_alpha / r</c>.</param>
/// <param name="Dropout">Dropout on the delta's input (0 for DoRA, which changes the weight, not the input).</param>
/// <param name="Magnitude">DoRA's row lengths, <c>out</c> (<c>lora_magnitude_vector</c>); <c>null</c> for plain LoRA.</param>
public sealed record LowRankSite(string Path, Tensor A, Tensor B, double Scale, double Dropout, Tensor? Magnitude)
{
    /// <summary>The rank r.</summary>
    public long Rank => A.shape[0];

    /// <summary>Whether this is a DoRA transform (PEFT's <c>use_dora</c>).</summary>
    public bool IsDora => Magnitude is not null;

    /// <summary>Each tensor under its PEFT key suffix (after the module name): <c>lora_A.weight</c>, <c>lora_B.weight</c> and, for DoRA, <c>lora_magnitude_vector</c>.</summary>
    public IEnumerable<(string Suffix, Tensor Tensor)> PeftTensors()
    {
        yield return ("lora_A.weight", A);
        yield return ("lora_B.weight", B);
        if (Magnitude is not null) yield return ("lora_magnitude_vector", Magnitude);
    }
}
