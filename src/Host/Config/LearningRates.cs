namespace Pipeline.Host.Config;

/// <summary>Base learning rate of each parameter group (YAML <c>learning_rate: { encoder: 1e-3, llm: 1e-3 }</c>).</summary>
public sealed record LearningRates
{
    /// <summary>The feature-encoder side: encoders, their adapters and the projectors.</summary>
    public double Encoder { get; init; } = 1e-3;

    /// <summary>The LLM side: the LLM and its adapters.</summary>
    public double Llm { get; init; } = 1e-3;
}
