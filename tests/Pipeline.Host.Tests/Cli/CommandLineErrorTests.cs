using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Matrix;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Cli;

/// <summary>A command line that does not parse, and a bad <c>--plugins</c>, exit with 2 under every command, with one message.</summary>
public sealed class CommandLineErrorTests
{
    [Theory]
    [InlineData("matrix m.yaml --jobs x", "Cannot parse argument 'x' for option '--jobs' as expected type 'System.Int32'.")]
    [InlineData("validate", "Required argument missing for command: 'validate'.")]
    [InlineData("train a.yaml --bogus", "Unrecognized command or argument '--bogus'.")]
    [InlineData("plugins --write-lock", "Required argument missing for option: '--write-lock'.")]
    [InlineData("bogus", "Required command was not provided.\nUnrecognized command or argument 'bogus'.")]
    public void A_command_line_that_does_not_parse_is_a_usage_error_with_the_parsers_message_on_standard_error(string commandLine, string message)
    {
        var (exitCode, output, error) = ConsoleCapture.Run(commandLine.Split(' '));

        exitCode.Should().Be(CommandErrors.UsageError).And.Be(2);
        error.ReplaceLineEndings("\n").Trim().Should().Be(message);
        output.Should().Contain("Usage:", "the help of the command follows on standard output");
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        var (exitCode, output, error) = ConsoleCapture.Run("validate", "--help");

        exitCode.Should().Be(0);
        error.Should().BeEmpty();
        output.Should().Contain("Usage:");
    }

    [Theory]
    [InlineData("plugins")]
    [InlineData("check-plugin")]
    [InlineData("validate")]
    [InlineData("train")]
    [InlineData("params")]
    [InlineData("eval")]
    [InlineData("export")]
    [InlineData("matrix")]
    public void A_missing_plugin_directory_is_the_same_configuration_error_under_every_command(string command)
    {
        using var pipeline = new TinyPipeline();
        using var matrix = new TinyMatrix();
        string missing = Path.Combine(pipeline.Directory, "no-such-plugins");
        string[] args = command switch
        {
            "plugins" => [command],
            "check-plugin" => [command, "lora"],
            "matrix" => [command, matrix.MatrixPath],
            "export" => [command, pipeline.ConfigPath, "--out", Path.Combine(pipeline.Directory, "exported")],
            _ => [command, pipeline.ConfigPath],
        };

        var (exitCode, _, error) = ConsoleCapture.Run([.. args, "--plugins", missing]);

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be($"--plugins: plugin directory '{missing}' does not exist");
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void A_file_given_as_a_plugin_directory_is_named_as_a_file()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, _, error) = ConsoleCapture.Run("validate", pipeline.ConfigPath, "--plugins", pipeline.ConfigPath);

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be($"--plugins: plugin directory '{pipeline.ConfigPath}' is a file, not a directory");
    }
}
