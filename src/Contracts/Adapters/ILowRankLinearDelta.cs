using static TorchSharp.torch;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A LoRA-shaped linear delta, <c>delta(x) = Scale * B(A(dropout(x)))</c>. Implementing it lets the host export the
/// delta in PEFT's LoRA format (<c>lora_A.weight</c> = <see cref="A"/>, <c>lora_B.weight</c> = <see cref="B"/>,
/// <c>lora_alpha</c> = <see cref="Scale"/> * r, <c>lora_dropout</c> = <see cref="Dropout"/>).
/// </summary>
public interface ILowRankLinearDelta : IMergeableLinearDelta
{
    /// <summary>The down projection A, <c>r x InFeatures</c> (the parameter itself, not a copy).</summary>
    Tensor A { get; }

    /// <summary>The up projection B, <c>OutFeatures x r</c> (the parameter itself, not a copy).</summary>
    Tensor B { get; }

    /// <summary>The factor applied to <c>B A x</c> (PEFT's <c>lora_alpha / r</c>).</summary>
    double Scale { get; }

    /// <summary>Dropout probability on the delta's input during training.</summary>
    double Dropout { get; }
}
