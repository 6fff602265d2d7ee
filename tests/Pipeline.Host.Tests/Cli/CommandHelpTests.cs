namespace Pipeline.Host.Tests.Cli;

public sealed class CommandHelpTests
{
    [Theory]
    [InlineData("train", "Train the pipeline a YAML file declares", "<file>", "--set <key=value>", "--plugins <dir>", "--no-progress, --plain")]
    [InlineData("validate", "Check a pipeline YAML", "<file>", "--set <key=value>", "--plugins <dir>")]
    [InlineData("plugins", "List discovered plugins", "--plugins <dir>")]
    [InlineData("eval", "Evaluate a checkpoint on the eval split", "<file>", "--checkpoint <path>", "--set <key=value>", "--plugins <dir>")]
    [InlineData("plot", "Draw PNG charts from a run's metrics.jsonl", "<run>", "--out <dir>")]
    public void Every_command_prints_its_description_usage_and_options_for_help(string command, string description, params string[] documented)
    {
        var (exitCode, output, error) = ConsoleCapture.Run(command, "--help");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        // The program name is the executable's: pipeline, or the test host here.
        output.Should().Contain(description).And.MatchRegex($@"Usage:\s+\S+ {command}\b");
        foreach (string item in documented)
            output.Should().MatchRegex($@"\n\s+{System.Text.RegularExpressions.Regex.Escape(item)}\s+\S", "'{0}' must be listed with a description", item);
    }

    [Fact]
    public void The_root_help_lists_every_command()
    {
        var (exitCode, output, _) = ConsoleCapture.Run("--help");

        exitCode.Should().Be(0);
        output.Should().Contain("Commands:");
        foreach (string command in new[] { "train <file>", "validate <file>", "plugins", "eval <file>", "plot <run>" })
            output.Should().MatchRegex($@"\n\s+{System.Text.RegularExpressions.Regex.Escape(command)}\s+\S");
    }
}
