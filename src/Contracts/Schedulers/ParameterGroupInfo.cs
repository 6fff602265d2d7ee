namespace Pipeline.Contracts.Schedulers;

/// <summary>One optimizer parameter group.</summary>
/// <param name="Name">
/// <c>encoder</c> (feature-encoder side: encoders, their adapters, projectors) or <c>llm</c> (the LLM and its adapters).
/// </param>
/// <param name="BaseLearningRate">The learning rate the stage configures for this group.</param>
/// <param name="ParameterCount">How many trainable scalars the group holds.</param>
public sealed record ParameterGroupInfo(string Name, double BaseLearningRate, long ParameterCount);
