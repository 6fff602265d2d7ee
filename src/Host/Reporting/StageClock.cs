using System.Globalization;
using Pipeline.Host.Training;

namespace Pipeline.Host.Reporting;

/// <summary>
/// The clock of one stage as a reporter sees it: when it started, how many steps it has done since, the duration of
/// the latest step and the estimated time left. A stage that starts part-way (a resumed run) counts from its first
/// reported step.
/// </summary>
public sealed class StageClock
{
    private readonly TimeSpan _startedAt;
    private TimeSpan _lastStepAt;
    private long _stepsBeforeStart = -1;

    public StageClock(StageStart stage, TimeSpan startedAt)
    {
        Stage = stage.Stage;
        TotalSteps = stage.TotalSteps;
        _startedAt = startedAt;
        _lastStepAt = startedAt;
    }

    public string Stage { get; }

    public long TotalSteps { get; }

    /// <summary>Steps done in the stage (the latest report's <see cref="StepReport.Step"/>).</summary>
    public long Step { get; private set; }

    /// <summary>Records a finished step at time <paramref name="now"/> and returns how long it took.</summary>
    public TimeSpan Record(StepReport report, TimeSpan now)
    {
        if (_stepsBeforeStart < 0) _stepsBeforeStart = report.Step - 1;
        Step = report.Step;
        TimeSpan duration = now - _lastStepAt;
        _lastStepAt = now;
        return duration;
    }

    /// <summary>Time since the stage started.</summary>
    public TimeSpan Elapsed(TimeSpan now) => now - _startedAt;

    /// <summary>Time left at the stage's mean pace so far; zero when done, null before the first step.</summary>
    public TimeSpan? Remaining(TimeSpan now)
    {
        long done = Step - Math.Max(0, _stepsBeforeStart);
        if (done <= 0) return null;
        return Elapsed(now) / done * (TotalSteps - Step);
    }

    /// <summary><c>m:ss</c> below an hour, <c>h:mm:ss</c> from there.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        long seconds = (long)Math.Round(Math.Max(0, duration.TotalSeconds));
        return seconds < 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:D2}:{seconds % 60:D2}");
    }
}
