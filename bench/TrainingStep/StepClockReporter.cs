using System.Diagnostics;
using Pipeline.Host.Reporting;
using Pipeline.Host.Training;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Times the pipeline's own steps from its <c>StepCompleted</c> hook: a step's time is the wall time from the end of
/// the previous hook call to this one, so it holds everything the pipeline does per step (batch from the prefetcher,
/// forward, loss, backward, gradient norm, AdamW, metrics records). After the warm-up steps and after every round of
/// timed steps it calls <see cref="BetweenRounds"/>, whose own time is left out of the next step.
/// </summary>
internal sealed class StepClockReporter : ITrainingReporter
{
    private readonly int _warmup;
    private readonly int _stepsPerRound;
    private long _last;
    private double _roundMs;

    /// <param name="warmup">Steps before timing starts.</param>
    /// <param name="stepsPerRound">Steps per round.</param>
    public StepClockReporter(int warmup, int stepsPerRound)
    {
        _warmup = warmup;
        _stepsPerRound = stepsPerRound;
    }

    /// <summary>Called after the warm-up (round -1) and after every timed round (0, 1, ...), between two pipeline steps.</summary>
    public Action<int>? BetweenRounds { get; init; }

    /// <summary>Called every step, after the step's time is taken (resident-size sampling).</summary>
    public Action<StepReport>? EveryStep { get; init; }

    /// <summary>Mean milliseconds per step of each timed round, in order.</summary>
    public List<double> RoundMs { get; } = [];

    public T Run<T>(Func<T> work) => work();

    public void Message(string line) => Console.WriteLine("  pipeline: " + line);

    public void StageStarted(StageStart stage) => _last = Stopwatch.GetTimestamp();

    public void StepCompleted(StepReport report)
    {
        double ms = Stopwatch.GetElapsedTime(_last).TotalMilliseconds;
        long timed = report.Step - _warmup;
        if (timed > 0) _roundMs += ms;
        EveryStep?.Invoke(report);
        if (timed == 0) BetweenRounds?.Invoke(-1);
        else if (timed > 0 && timed % _stepsPerRound == 0)
        {
            RoundMs.Add(_roundMs / _stepsPerRound);
            _roundMs = 0;
            BetweenRounds?.Invoke(RoundMs.Count - 1);
        }
        _last = Stopwatch.GetTimestamp();
    }

    public void RunFinished(IReadOnlyList<StageSummary> stages)
    {
    }
}
