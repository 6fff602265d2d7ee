using System.Text.RegularExpressions;
using Pipeline.Host.Cli.Progress;
using Pipeline.Host.Tests.Reporting;
using Pipeline.Host.Training;
using Spectre.Console;

namespace Pipeline.Host.Tests.Cli.Progress;

public sealed class LiveTrainingReporterTests
{
    private const string ShowCursor = "\u001b[?25h";

    /// <summary>The output without ANSI styles (bold) and cursor movements.</summary>
    private static string Visible(StringWriter output) => Regex.Replace(output.ToString(), "\u001b\\[[0-9;?]*[A-Za-z]", "");

    private static (LiveTrainingReporter Reporter, StringWriter Output, ManualClock Clock) Terminal()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        var clock = new ManualClock();
        return (new LiveTrainingReporter(console, clock), output, clock);
    }

    [Fact]
    public void Draws_a_bar_per_stage_with_steps_loss_throughput_and_prints_messages()
    {
        var (reporter, output, clock) = Terminal();

        int result = reporter.Run(() =>
        {
            reporter.StageStarted(new StageStart("pretrain", 0, 4));
            for (int step = 1; step <= 4; step++)
            {
                clock.AdvanceSeconds(1);
                reporter.StepCompleted(new StepReport("pretrain", step, 4, 2.0, 250));
            }
            reporter.Message("[pretrain] eval at step 4: accuracy 50.0 %");
            return 7;
        });

        result.Should().Be(7);
        string text = Visible(output);
        text.Should().Contain("pretrain").And.Contain("4/4").And.Contain("loss  2.0000").And.Contain("250 tok/s").And.Contain("done")
            .And.Contain("[pretrain] eval at step 4: accuracy 50.0 %");
        output.ToString().Should().EndWith(Environment.NewLine + ShowCursor, "the display ends on a fresh line with the cursor restored");
    }

    [Fact]
    public void An_exception_ends_the_display_marks_the_stage_stopped_and_propagates()
    {
        var (reporter, output, clock) = Terminal();

        Action run = () => reporter.Run<int>(() =>
        {
            reporter.StageStarted(new StageStart("instruct", 1, 10));
            clock.AdvanceSeconds(1);
            reporter.StepCompleted(new StepReport("instruct", 1, 10, 1.5, 100));
            throw new InvalidOperationException("stage 'instruct' step 2: the loss is NaN");
        });

        run.Should().Throw<InvalidOperationException>().WithMessage("stage 'instruct' step 2: the loss is NaN");
        Visible(output).Should().Contain(" 1/10").And.Contain("stopped");
        output.ToString().Should().EndWith(Environment.NewLine + ShowCursor, "the command's error line must start on a fresh line with the cursor visible");
    }

    [Fact]
    public void Stage_statistics_have_fixed_widths()
    {
        StageStatisticsColumn.Format(new StageStatistics(7, 700, 2.31412, 4210.4, TimeSpan.FromSeconds(42)))
            .Should().Be("  7/700  loss [bold] 2.3141[/]    4,210 tok/s  ETA 0:42");
        StageStatisticsColumn.Format(StageStatistics.Starting(700))
            .Should().Be("  0/700  loss [bold]      -[/]        0 tok/s  ETA -:--");
    }
}
