namespace Pipeline.Contracts.Schedulers;

/// <summary>What a scheduler factory receives besides its options.</summary>
public sealed class SchedulerBuildContext
{
    private readonly Func<PluginSelection, SchedulerBuildContext, ILearningRateSchedule> _createSchedule;

    /// <param name="totalSteps">Optimizer steps in the stage.</param>
    /// <param name="groups">The stage's parameter groups.</param>
    /// <param name="createSchedule">Builds another scheduler plugin (for schedules that wrap a base schedule).</param>
    public SchedulerBuildContext(long totalSteps, IReadOnlyList<ParameterGroupInfo> groups,
        Func<PluginSelection, SchedulerBuildContext, ILearningRateSchedule> createSchedule)
    {
        TotalSteps = totalSteps;
        Groups = groups;
        _createSchedule = createSchedule;
    }

    /// <summary>Optimizer steps in the stage (after gradient accumulation).</summary>
    public long TotalSteps { get; }

    /// <summary>The stage's parameter groups, each with its base learning rate.</summary>
    public IReadOnlyList<ParameterGroupInfo> Groups { get; }

    /// <summary>The base learning rate of group <paramref name="name"/>.</summary>
    public double BaseLearningRate(string name) =>
        Groups.FirstOrDefault(g => g.Name == name)?.BaseLearningRate
        ?? throw new ArgumentException($"no parameter group '{name}'; groups: {string.Join(", ", Groups.Select(g => g.Name))}");

    /// <summary>Builds the scheduler plugin named in <paramref name="selection"/> for the same stage.</summary>
    public ILearningRateSchedule CreateSchedule(PluginSelection selection) => _createSchedule(selection, this);
}
