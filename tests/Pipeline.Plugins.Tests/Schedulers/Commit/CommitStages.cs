using Pipeline.Contracts.Schedulers;
using Pipeline.Plugins.Schedulers;
using Pipeline.Plugins.Schedulers.Commit;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

/// <summary>Builds <c>commit</c> schedules the way the host does, with the built-in schedules available as bases.</summary>
internal static class CommitStages
{
    public const double LlmBase = StageContexts.LlmBase;
    public const double EncoderBase = StageContexts.EncoderBase;

    public static IReadOnlyList<ParameterGroupInfo> BothSides =>
        [new ParameterGroupInfo("encoder", EncoderBase, 500), new ParameterGroupInfo("llm", LlmBase, 1000)];

    public static SchedulerBuildContext Context(long totalSteps, IReadOnlyList<ParameterGroupInfo>? groups = null) =>
        new(totalSteps, groups ?? BothSides, CreateBuiltIn);

    public static CommitSchedule Build(CommitOptions options, long totalSteps = 100, IReadOnlyList<ParameterGroupInfo>? groups = null) =>
        (CommitSchedule)new CommitScheduleFactory().Create(options, Context(totalSteps, groups));

    private static ILearningRateSchedule CreateBuiltIn(PluginSelection selection, SchedulerBuildContext context) => selection.Plugin switch
    {
        "constant" => new ConstantScheduleFactory().Create(selection.Options ?? new ConstantScheduleOptions(), context),
        "warmup_cosine" => new WarmupCosineScheduleFactory().Create(selection.Options ?? new WarmupCosineOptions(), context),
        _ => throw new NotSupportedException($"no scheduler '{selection.Plugin}' in these tests"),
    };

    /// <summary>Divergences <c>(D_S, D_T)</c> whose kappa, with <c>epsilon: 0</c>, is exactly <paramref name="kappa"/>.</summary>
    public static (double Encoder, double Llm) KlFor(double kappa) => (kappa, 1 - kappa);
}
