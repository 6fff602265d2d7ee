using Pipeline.Contracts.Options;

namespace Pipeline.Samples.PromptTuning;

/// <summary>
/// Options of the <c>prompt_tuning</c> adapter, bound from its YAML block:
/// <code>
/// adapters:
///   - plugin: prompt_tuning
///     lr_scale: 100          # the soft tokens want a learning rate about 100 times the LLM side's
///     options:
///       tokens: 20
///       init: vocabulary
/// </code>
/// </summary>
public sealed record PromptTuningOptions : IValidatableOptions
{
    /// <summary>
    /// How many soft tokens are prepended to the LLM's input (K); the adapter trains <c>K x C</c> parameters for an LLM of
    /// width C. At least 1; default 20.
    /// </summary>
    public int Tokens { get; init; } = 20;

    /// <summary>Where the soft tokens start: <c>vocabulary</c> (default) or <c>random</c> (see <see cref="PromptInit"/>).</summary>
    public PromptInit Init { get; init; } = PromptInit.Vocabulary;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Tokens < 1) yield return new OptionError("tokens", $"must be at least 1, got {Tokens}");
        if (!Enum.IsDefined(Init)) yield return new OptionError("init", "must be vocabulary or random");
    }
}
