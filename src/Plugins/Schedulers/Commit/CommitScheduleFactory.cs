using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers.Commit;

/// <summary>
/// The <c>commit</c> schedule plugin: the project's reconstruction of CoMMIT (docs/schedulers/commit.md), which scales a base
/// schedule's encoder-side and LLM-side rates to balance how much each side changes the answers.
/// </summary>
[ExportScheduler(Name)]
public sealed class CommitScheduleFactory : SchedulerFactory<CommitOptions>
{
    /// <summary>The plugin name used in YAML.</summary>
    public const string Name = "commit";

    /// <inheritdoc />
    public override string Description =>
        "CoMMIT (project reconstruction): scales a base schedule's encoder and llm rates by multipliers from the measured learning balance kappa";

    /// <inheritdoc />
    protected override ILearningRateSchedule Create(CommitOptions options, SchedulerBuildContext context) =>
        new CommitSchedule(options, context.CreateSchedule(options.Base), context.Groups);
}
