using System.Globalization;
using Pipeline.Contracts.Options;

namespace Pipeline.Plugins.Schedulers;

/// <summary>Options of the <c>constant</c> schedule (YAML keys in snake_case).</summary>
public sealed record ConstantScheduleOptions : IValidatableOptions
{
    /// <summary>
    /// YAML <c>warmup_steps</c>: steps of linear warmup before the constant rate; step <c>s</c> of the warmup
    /// uses <c>(s + 1) / warmup_steps</c> of the base rate. Default 0 (no warmup).
    /// </summary>
    public int WarmupSteps { get; init; } = 0;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (WarmupSteps < 0)
            yield return new OptionError("warmup_steps", string.Create(CultureInfo.InvariantCulture, $"must be at least 0, got {WarmupSteps}"));
    }
}
