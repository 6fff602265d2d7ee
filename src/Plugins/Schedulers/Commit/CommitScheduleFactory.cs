using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Plugins.Schedulers.Commit;

/// <summary>
/// The <c>commit</c> schedule plugin: the project's reconstruction of CoMMIT (docs/schedulers/commit.md), which scales a base
/// schedule's encoder-side and LLM-side rates to balance how much each side changes the answers.
/// </summary>
[ExportScheduler(Name)]
public sealed class CommitScheduleFactory : ISchedulerFactory
{
    /// <summary>The plugin name used in YAML.</summary>
    public const string Name = "commit";

    /// <inheritdoc />
    public Type OptionsType => typeof(CommitOptions);

    /// <inheritdoc />
    public string Description =>
        "CoMMIT (project reconstruction): scales a base schedule's encoder and llm rates by multipliers from the measured learning balance kappa";

    /// <inheritdoc />
    public ILearningRateSchedule Create(object options, SchedulerBuildContext context)
    {
        var commit = options as CommitOptions
            ?? throw new ArgumentException($"expected {nameof(CommitOptions)}, got {options?.GetType().Name ?? "null"}", nameof(options));
        return new CommitSchedule(commit, context.CreateSchedule(commit.Base), context.Groups);
    }
}
