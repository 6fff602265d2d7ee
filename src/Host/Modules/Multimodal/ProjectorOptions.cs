using Pipeline.Contracts.Options;

namespace Pipeline.Host.Modules.Multimodal;

/// <summary>
/// The projector from an encoder's width to the LLM width (YAML <c>model.projector</c>):
/// <c>fc2(act(fc1(x)))</c>, Xavier-initialised, as LLaVA and LaVIN do.
/// </summary>
public sealed record ProjectorOptions : IValidatableOptions
{
    /// <summary>Hidden width; 0 uses the LLM width. LaVIN uses 128.</summary>
    public int HiddenSize { get; init; }

    /// <summary><c>gelu</c> (LLaVA) or <c>silu</c> (LaVIN).</summary>
    public ProjectorActivation Activation { get; init; } = ProjectorActivation.Gelu;

    public IEnumerable<OptionError> Validate()
    {
        if (HiddenSize < 0) yield return new("hidden_size", $"must be 0 (the LLM width) or positive, got {HiddenSize}");
    }
}
