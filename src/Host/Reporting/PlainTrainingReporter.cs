using System.Globalization;
using Pipeline.Host.Training;

namespace Pipeline.Host.Reporting;

/// <summary>
/// Prints the run as plain lines, for logs, CI and redirected output: the run's messages as they come, and every
/// <c>log_every</c> steps (and at a stage's last step) one line with the step, the mean loss and throughput since the
/// previous line, and the time left: <c>[instruct] step 50/500 loss 1.2345 4210 tok/s ETA 1:23</c>. The last line of
/// a stage says how long the stage took instead: <c>... took 2:05</c>.
/// </summary>
public sealed class PlainTrainingReporter : ITrainingReporter
{
    private readonly Action<string> _write;
    private readonly int _logEvery;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private StageClock? _stage;
    private TimeSpan _windowStart;
    private double _windowLoss;
    private long _windowTokens;
    private int _windowSteps;

    /// <param name="write">Where lines go.</param>
    /// <param name="logEvery">Print a step line every this many steps (<c>run.log_every</c>).</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    public PlainTrainingReporter(Action<string> write, int logEvery, TimeProvider? time = null)
    {
        _write = write;
        _logEvery = Math.Max(1, logEvery);
        _time = time ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    public T Run<T>(Func<T> work) => work();

    public void Message(string line) => _write(line);

    public void StageStarted(StageStart stage)
    {
        _stage = new StageClock(stage, Now);
        StartWindow(Now);
    }

    public void StepCompleted(StepReport report)
    {
        TimeSpan now = Now;
        // A caller that does not announce stages still gets lines; its first step's time is then not measured.
        if (_stage is null || _stage.Stage != report.Stage) StageStarted(new StageStart(report.Stage, -1, report.TotalSteps));
        _stage!.Record(report, now);
        _windowLoss += report.Loss;
        _windowTokens += report.Tokens;
        _windowSteps++;
        if (report.Step % _logEvery != 0 && report.Step != report.TotalSteps) return;

        double seconds = Math.Max(1e-9, (now - _windowStart).TotalSeconds);
        string timing = report.Step >= report.TotalSteps
            ? $"took {StageClock.FormatDuration(_stage.Elapsed(now))}"
            : $"ETA {StageClock.FormatDuration(_stage.Remaining(now) ?? TimeSpan.Zero)}";
        _write(string.Create(CultureInfo.InvariantCulture,
            $"[{report.Stage}] step {report.Step}/{report.TotalSteps} loss {_windowLoss / _windowSteps:F4} {_windowTokens / seconds:F0} tok/s {timing}"));
        StartWindow(now);
    }

    public void RunFinished(IReadOnlyList<StageSummary> stages)
    {
        foreach (var stage in stages.Where(s => s.Evaluation is not null))
        {
            var evaluation = stage.Evaluation!;
            _write($"{stage.Stage}: held-out accuracy {evaluation.Accuracy:P1} over {evaluation.Samples} samples (" +
                   string.Join(", ", evaluation.AccuracyByCategory.Select(kv => $"{kv.Key} {kv.Value:P1}")) + ")");
        }
    }

    private void StartWindow(TimeSpan now)
    {
        _windowStart = now;
        _windowLoss = 0;
        _windowTokens = 0;
        _windowSteps = 0;
    }
}
