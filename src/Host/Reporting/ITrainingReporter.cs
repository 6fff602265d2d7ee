using Pipeline.Host.Training;

namespace Pipeline.Host.Reporting;

/// <summary>
/// Shows a training run as it happens: the run's log lines, each stage's start and every optimizer step. The plain
/// reporter prints a line every <c>run.log_every</c> steps; the live reporter draws a progress bar per stage.
/// </summary>
public interface ITrainingReporter
{
    /// <summary>Runs the whole training inside the reporter (a live display is drawn around it) and returns its result.
    /// An exception from <paramref name="work"/> ends the display first and then propagates unchanged.</summary>
    T Run<T>(Func<T> work);

    /// <summary>A line of the run's log (data summary, stage header, evaluation, completion).</summary>
    void Message(string line);

    /// <summary>A stage is about to take its first step.</summary>
    void StageStarted(StageStart stage);

    /// <summary>An optimizer step has finished.</summary>
    void StepCompleted(StepReport report);

    /// <summary>The run has finished: shows the held-out results of each stage that evaluated.</summary>
    void RunFinished(IReadOnlyList<StageSummary> stages);
}
