using Pipeline.Host.Data;

namespace Pipeline.Host.Pipelines;

/// <summary>A bad sample and the split it was meant for (<c>pretrain</c>, <c>train</c> or <c>eval</c>).</summary>
public sealed record SplitProblem(string Split, SampleProblem Problem);
