using Pipeline.Host.Reporting;
using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Reporting;

public sealed class PlainTrainingReporterTests
{
    private readonly ManualClock _clock = new();
    private readonly List<string> _lines = [];

    private PlainTrainingReporter Reporter(int logEvery) => new(_lines.Add, logEvery, _clock);

    [Fact]
    public void Prints_a_line_every_log_every_steps_and_at_the_last_step_with_mean_loss_throughput_and_time_left()
    {
        var reporter = Reporter(logEvery: 2);
        reporter.Message("stage 'pretrain': 5 steps");
        reporter.StageStarted(new StageStart("pretrain", 0, 5));
        double[] losses = [5, 4, 3, 2, 1];
        for (int step = 1; step <= 5; step++)
        {
            _clock.AdvanceSeconds(1);
            reporter.StepCompleted(new StepReport("pretrain", step, 5, losses[step - 1], Tokens: 100));
        }

        _lines.Should().Equal(
            "stage 'pretrain': 5 steps",
            "[pretrain] step 2/5 loss 4.5000 100 tok/s ETA 0:03",
            "[pretrain] step 4/5 loss 2.5000 100 tok/s ETA 0:01",
            "[pretrain] step 5/5 loss 1.0000 100 tok/s took 0:05");
    }

    [Fact]
    public void Throughput_is_measured_over_the_steps_since_the_previous_line()
    {
        var reporter = Reporter(logEvery: 2);
        reporter.StageStarted(new StageStart("instruct", 1, 4));
        (double Seconds, long Tokens)[] steps = [(1, 100), (1, 100), (3, 300), (1, 500)];
        for (int i = 0; i < steps.Length; i++)
        {
            _clock.AdvanceSeconds(steps[i].Seconds);
            reporter.StepCompleted(new StepReport("instruct", i + 1, 4, 1.0, steps[i].Tokens));
        }

        _lines.Should().Equal(
            "[instruct] step 2/4 loss 1.0000 100 tok/s ETA 0:02",
            "[instruct] step 4/4 loss 1.0000 200 tok/s took 0:06");
    }

    [Fact]
    public void A_stage_that_starts_part_way_estimates_the_time_left_from_its_own_steps()
    {
        var reporter = Reporter(logEvery: 1);
        reporter.StageStarted(new StageStart("instruct", 1, 10));
        _clock.AdvanceSeconds(30);
        reporter.StepCompleted(new StepReport("instruct", 7, 10, 0.5, 60));

        _lines.Should().Equal("[instruct] step 7/10 loss 0.5000 2 tok/s ETA 1:30");
    }

    [Fact]
    public void Time_left_past_an_hour_shows_hours()
    {
        var reporter = Reporter(logEvery: 1);
        reporter.StageStarted(new StageStart("pretrain", 0, 1000));
        _clock.AdvanceSeconds(5);
        reporter.StepCompleted(new StepReport("pretrain", 1, 1000, 2.0, 50));

        _lines.Should().Equal("[pretrain] step 1/1000 loss 2.0000 10 tok/s ETA 1:23:15");
    }

    [Fact]
    public void Steps_of_a_stage_that_was_not_announced_still_print_lines()
    {
        var reporter = Reporter(logEvery: 1);
        _clock.AdvanceSeconds(2);
        reporter.StepCompleted(new StepReport("pretrain", 1, 1, 3.0, 10));

        _lines.Should().ContainSingle().Which.Should().StartWith("[pretrain] step 1/1 loss 3.0000");
    }

    [Fact]
    public void The_run_summary_lists_each_evaluated_stage()
    {
        var reporter = Reporter(logEvery: 1);
        var evaluation = new EvaluationResult(0.5, 0.75, 40, new Dictionary<string, double> { ["audio"] = 0.5, ["image"] = 1.0 });

        reporter.RunFinished([new StageSummary("pretrain", 10, 1.0, null), new StageSummary("instruct", 10, 0.4, evaluation)]);

        _lines.Should().Equal($"instruct: held-out accuracy {0.75:P1} over 40 samples (audio {0.5:P1}, image {1.0:P1})");
    }
}
