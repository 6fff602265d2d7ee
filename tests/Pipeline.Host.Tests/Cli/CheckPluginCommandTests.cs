using Pipeline.Host.Cli;

namespace Pipeline.Host.Tests.Cli;

/// <summary><c>pipeline check-plugin</c>: the table and its exit codes.</summary>
public sealed class CheckPluginCommandTests
{
    [Fact]
    public void A_built_in_adapter_passes_with_one_row_per_check_and_exit_code_0()
    {
        var (exitCode, output, error) = ConsoleCapture.Run("check-plugin", "lora", "--options", "rank: 2, dropout: 0.0");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        var lines = output.TrimEnd().Split('\n');
        lines[0].Should().MatchRegex(@"^check\s+result\s+reason$");
        lines.Skip(1).Take(9).Select(l => l.Split(' ')[0]).Should().Equal("identity", "device", "seed", "names", "merge", "export", "training", "leak", "switch");
        lines.Skip(1).Take(9).Should().OnlyContain(l => l.Contains("  pass  "));
        lines[^1].Should().Be("adapter 'lora' passes all 9 applicable checks");
    }

    [Fact]
    public void An_unknown_adapter_is_a_configuration_error_listing_the_known_ones()
    {
        var (exitCode, output, error) = ConsoleCapture.Run("check-plugin", "lorax");

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        output.Should().BeEmpty();
        error.Trim().Should().Be("error: unknown adapter 'lorax'; known adapters: lora, mma, mole");
    }

    [Theory]
    [InlineData("{ rank: 0 }", "--options: model.adapters[0].options.rank: must be at least 1, got 0")]
    [InlineData("targets: { llm: [nothing] }", "--options: adapter 'under_test': target pattern 'nothing' matches nothing in component 'llm'")]
    public void Options_that_do_not_bind_or_target_nothing_are_a_configuration_error_at_options(string options, string message)
    {
        var (exitCode, output, error) = ConsoleCapture.Run("check-plugin", "lora", "--options", options);

        exitCode.Should().Be(CommandErrors.ConfigurationError);
        output.Should().BeEmpty();
        error.Trim().Should().Be(message);
    }
}
