using Pipeline.Host.Matrix;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Matrix;

public sealed class ShellQuotingTests
{
    [Theory]
    [InlineData("plain/path-1.yaml", "plain/path-1.yaml")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", @"'it'\''s'")]
    [InlineData("", "''")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("x=y", "'x=y'")]
    public void Bash_quotes_only_words_that_need_it(string word, string expected) =>
        ShellQuoting.Bash(word).Should().Be(expected);

    [Fact]
    public void Bash_words_reach_a_real_bash_unchanged()
    {
        string[] words = ["plain", "a b", "it's", "", "$HOME", "a\"b", "*", "x=y", "~", "back\\slash", "new\nline", "'", "$(echo no)", "`echo no`", "!", "a;b|c&d"];

        // bash receives the quoted words as the script text and prints each word it sees, NUL-terminated.
        var result = CommandResult.Run("bash", ["-c", "printf '%s\\0' " + ShellQuoting.Bash(words)]);

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Split('\0')[..^1].Should().Equal(words);
    }

    [Theory]
    [InlineData("pipeline-matrix", "pipeline-matrix")]
    [InlineData("--qos=short", "--qos=short")]
    [InlineData("lora sweep", "\"lora sweep\"")]
    [InlineData("my \"job\"", "\"my \\\"job\\\"\"")]
    [InlineData(@"a\b", "\"a\\\\b\"")]
    [InlineData("it's", "\"it's\"")]
    public void Sbatch_values_are_double_quoted_with_backslash_escapes(string value, string expected) =>
        ShellQuoting.SbatchValue(value).Should().Be(expected);
}
