using Pipeline.Host.Cli.Progress;

namespace Pipeline.Host.Tests.Cli.Progress;

public sealed class TrainingReportersTests
{
    [Theory]
    [InlineData(false, false, true, true, ProgressDisplay.Live)]
    [InlineData(true, false, true, true, ProgressDisplay.Plain)]   // --plain / --no-progress
    [InlineData(false, true, true, true, ProgressDisplay.Plain)]   // piped or written to a file
    [InlineData(false, false, false, true, ProgressDisplay.Plain)] // not interactive (CI, input redirected)
    [InlineData(false, false, true, false, ProgressDisplay.Plain)] // no ANSI (TERM=dumb)
    [InlineData(true, true, false, false, ProgressDisplay.Plain)]
    public void Live_bars_need_an_interactive_ansi_terminal_on_standard_output_and_no_plain_switch(
        bool plainRequested, bool outputRedirected, bool interactive, bool ansi, ProgressDisplay expected)
    {
        TrainingReporters.Choose(plainRequested, outputRedirected, interactive, ansi).Should().Be(expected);
    }

    [Fact]
    public void Under_the_test_runner_output_is_redirected_so_training_prints_plain_lines()
    {
        TrainingReporters.Create(plainRequested: false, logEvery: 10).Should().BeOfType<Pipeline.Host.Reporting.PlainTrainingReporter>();
    }
}
