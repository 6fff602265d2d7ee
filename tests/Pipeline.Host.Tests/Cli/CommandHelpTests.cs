namespace Pipeline.Host.Tests.Cli;

public sealed class CommandHelpTests
{
    [Theory]
    [InlineData("train", "Train the pipeline a YAML file declares", "<file>", "--set <key=value>", "--plugins <dir>", "--no-progress, --plain")]
    [InlineData("validate", "Check a pipeline YAML", "<file>", "--set <key=value>", "--plugins <dir>")]
    [InlineData("plugins", "List discovered plugins", "--plugins <dir>", "--write-lock <file>", "--lock <file>")]
    [InlineData("check-plugin", "Run the conformance kit on an adapter plugin", "<name>", "--plugins <dir>", "--options <yaml>")]
    [InlineData("eval", "Evaluate a checkpoint on the eval split", "<file>", "--checkpoint <path>", "--set <key=value>", "--plugins <dir>")]
    [InlineData("plot", "Draw PNG charts from a run's metrics.jsonl", "<run>", "--out <dir>")]
    [InlineData("params", "Count parameters per component, projector and adapter", "<file>", "--set <key=value>", "--plugins <dir>", "--stage <stage>")]
    [InlineData("export", "Write a trained model's adapters in PEFT's or this project's format", "<file>", "--out <DIR>", "--format <adapters|merged|peft>",
        "--checkpoint <PATH>", "--adapter <NAME>", "--base-model <NAME>", "--dtype <bf16|f16|f32>", "--max-shard-size <SIZE>", "--set <key=value>", "--plugins <dir>")]
    [InlineData("matrix", "Run a pipeline over every combination a matrix YAML declares", "<file>", "--jobs <jobs>", "--only <cell>", "--index <index>",
        "--emit <slurm|k8s>", "--output <dir>", "--baseline <file>", "--write-baseline <file>", "--plugins <dir>", "collect <dir>")]
    [InlineData("matrix collect", "Build the results (results.csv, results.md, report.html) of a matrix output directory", "<dir>", "--baseline <file>",
        "--write-baseline <file>")]
    public void Every_command_prints_its_description_usage_and_options_for_help(string command, string description, params string[] documented)
    {
        var (exitCode, output, error) = ConsoleCapture.Run([.. command.Split(' '), "--help"]);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        // The program name is the executable's: pipeline, or the test host here. A subcommand's usage line may show its
        // parent's arguments between the words (matrix <file> collect).
        output.Should().Contain(description).And.MatchRegex($@"Usage:\s+\S+ {string.Join(@"\b[^\n]*\b", command.Split(' '))}\b");
        foreach (string item in documented)
            output.Should().MatchRegex($@"\n\s+{System.Text.RegularExpressions.Regex.Escape(item)}\s+\S", "'{0}' must be listed with a description", item);
    }

    [Fact]
    public void The_root_help_lists_every_command()
    {
        var (exitCode, output, _) = ConsoleCapture.Run("--help");

        exitCode.Should().Be(0);
        output.Should().Contain("Commands:");
        foreach (string command in new[] { "train <file>", "validate <file>", "plugins", "check-plugin <name>", "eval <file>", "plot <run>", "params <file>", "export <file>", "matrix <file>" })
            output.Should().MatchRegex($@"\n\s+{System.Text.RegularExpressions.Regex.Escape(command)}\s+\S");
    }
}
