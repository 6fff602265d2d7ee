using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class ConfigExceptionTests
{
    [Fact]
    public void Message_puts_file_line_and_column_before_the_text()
    {
        var error = new ConfigException("run.yaml", 3, 7, "training.steps: expected an integer, got 'ten'");

        error.Message.Should().Be("run.yaml:3:7: training.steps: expected an integer, got 'ten'");
        (error.File, error.Line, error.Column, error.Text)
            .Should().Be(("run.yaml", 3, 7, "training.steps: expected an integer, got 'ten'"));
    }

    [Fact]
    public void Message_without_a_position_names_only_the_file()
    {
        new ConfigException("run.yaml", 0, 0, "the file holds no YAML document").Message
            .Should().Be("run.yaml: the file holds no YAML document");
    }

    [Fact]
    public void Message_without_a_file_is_just_the_text()
    {
        new ConfigException("", 0, 0, "config file not found: run.yaml").Message.Should().Be("config file not found: run.yaml");
    }

    [Fact]
    public void Several_problems_give_one_line_each_and_the_first_one_is_the_position()
    {
        var error = new ConfigException([
            new ConfigProblem("run.yaml", 4, 11, "rank: must be at least 1, got 0"),
            new ConfigProblem("--set training.dropout", 0, 0, "dropout: must be in [0, 1), got 2"),
        ]);

        error.Message.Should().Be("run.yaml:4:11: rank: must be at least 1, got 0\n--set training.dropout: dropout: must be in [0, 1), got 2");
        error.Line.Should().Be(4);
    }

    [Fact]
    public void An_exception_needs_at_least_one_problem()
    {
        var create = () => new ConfigException(Array.Empty<ConfigProblem>());

        create.Should().Throw<ArgumentException>();
    }
}
