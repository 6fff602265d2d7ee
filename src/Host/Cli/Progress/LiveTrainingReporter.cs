using System.Globalization;
using Pipeline.Host.Reporting;
using Pipeline.Host.Training;
using Spectre.Console;

namespace Pipeline.Host.Cli.Progress;

/// <summary>
/// Draws one Spectre.Console progress bar per stage on an interactive terminal: steps done of the stage's total,
/// mean loss and throughput of the last <see cref="RecentSteps"/> steps, and the time left. The run's messages
/// (stage headers, evaluations) are printed above the bars. Training runs on the calling thread; Spectre redraws
/// from its own thread and reads only the immutable <see cref="StageStatistics"/> each step publishes.
/// </summary>
public sealed class LiveTrainingReporter : ITrainingReporter
{
    /// <summary>How many recent steps the displayed loss and throughput average over.</summary>
    public const int RecentSteps = 20;

    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Queue<(double Loss, long Tokens, TimeSpan Duration)> _recent = new();
    private ProgressContext? _context;
    private ProgressTask? _task;
    private StageClock? _stage;

    public LiveTrainingReporter(IAnsiConsole console, TimeProvider? time = null)
    {
        _console = console;
        _time = time ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    public T Run<T>(Func<T> work)
    {
        var progress = _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new StageStatisticsColumn());
        // Spectre hides the cursor while drawing; put it back if the user interrupts the run.
        ConsoleCancelEventHandler showCursor = (_, _) => _console.Cursor.Show();
        Console.CancelKeyPress += showCursor;
        try
        {
            return progress.Start(context =>
            {
                _context = context;
                try
                {
                    return work();
                }
                catch
                {
                    // Draw the last frame with the failed stage marked (Progress.Start skips its final refresh on an
                    // exception); Progress.Start then restores the cursor and ends the display, so the command's
                    // error line that follows starts on a clean line.
                    if (_task is { Tag: StageStatistics statistics })
                    {
                        _task.Tag = statistics with { Failed = true };
                        _task.StopTask();
                    }
                    context.Refresh();
                    throw;
                }
            });
        }
        finally
        {
            Console.CancelKeyPress -= showCursor;
            _context = null;
            _task = null;
        }
    }

    public void Message(string line) => _console.WriteLine(line);

    public void StageStarted(StageStart stage)
    {
        _task?.StopTask();
        _stage = new StageClock(stage, Now);
        _recent.Clear();
        _task = _context?.AddTask(Markup.Escape(stage.Stage), autoStart: true, maxValue: Math.Max(1, stage.TotalSteps));
        if (_task is not null) _task.Tag = StageStatistics.Starting(stage.TotalSteps);
    }

    public void StepCompleted(StepReport report)
    {
        TimeSpan now = Now;
        if (_stage is null || _stage.Stage != report.Stage) StageStarted(new StageStart(report.Stage, -1, report.TotalSteps));
        TimeSpan duration = _stage!.Record(report, now);
        _recent.Enqueue((report.Loss, report.Tokens, duration));
        while (_recent.Count > RecentSteps) _recent.Dequeue();
        if (_task is null) return;
        double seconds = Math.Max(1e-9, _recent.Sum(r => r.Duration.TotalSeconds));
        _task.Tag = new StageStatistics(report.Step, report.TotalSteps, _recent.Average(r => r.Loss), _recent.Sum(r => r.Tokens) / seconds, _stage.Remaining(now));
        _task.Value = report.Step;
        if (report.Step >= report.TotalSteps) _task.StopTask();
    }

    public void RunFinished(IReadOnlyList<StageSummary> stages)
    {
        var evaluated = stages.Where(s => s.Evaluation is not null).ToList();
        if (evaluated.Count == 0) return;
        var categories = evaluated.SelectMany(s => s.Evaluation!.AccuracyByCategory.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var table = new Table().Border(TableBorder.Rounded).Title("held-out exact match");
        table.AddColumn("stage");
        foreach (string category in categories) table.AddColumn(new TableColumn(Markup.Escape(category)).RightAligned());
        table.AddColumn(new TableColumn("[bold]overall[/]").RightAligned());
        table.AddColumn(new TableColumn("samples").RightAligned());
        foreach (var stage in evaluated)
        {
            var evaluation = stage.Evaluation!;
            var cells = new List<string> { Markup.Escape(stage.Stage) };
            cells.AddRange(categories.Select(c => evaluation.AccuracyByCategory.TryGetValue(c, out double a) ? Percent(a) : "-"));
            cells.Add($"[bold]{Percent(evaluation.Accuracy)}[/]");
            cells.Add(evaluation.Samples.ToString(CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        _console.Write(table);
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
