using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Tests.Schedulers;

/// <summary>Stage contexts for schedule tests: two groups with different base rates.</summary>
internal static class StageContexts
{
    public const double LlmBase = 1e-3;
    public const double EncoderBase = 2e-4;

    public static SchedulerBuildContext TwoGroups(long totalSteps) => new(totalSteps,
        [new ParameterGroupInfo("llm", LlmBase, 1000), new ParameterGroupInfo("encoder", EncoderBase, 500)],
        (_, _) => throw new NotSupportedException("these tests build no nested schedules"));
}
