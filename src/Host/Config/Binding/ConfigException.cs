namespace Pipeline.Host.Config.Binding;

/// <summary>
/// A configuration error the user must fix: a missing file, bad YAML, an unknown key, a wrong value or a failed
/// validation. The CLI prints <see cref="Exception.Message"/> without a stack trace, so every message names the
/// file position (or the <c>--set</c> override) and says what is wrong.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>One problem.</summary>
    public ConfigException(ConfigProblem problem)
        : this([problem])
    {
    }

    /// <summary>One problem at a file position (line and column 1-based, 0 when unknown).</summary>
    public ConfigException(string file, int line, int column, string text)
        : this(new ConfigProblem(file, line, column, text))
    {
    }

    /// <summary>Several problems found together (for example every failure of one options block's validation).</summary>
    public ConfigException(IReadOnlyList<ConfigProblem> problems)
        : base(FormatMessage(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem, in the order found; never empty.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    /// <summary>The file of the first problem, or <c>--set &lt;path&gt;</c> when it comes from a command-line override.</summary>
    public string File => Problems[0].File;

    /// <summary>The 1-based line of the first problem; 0 when unknown.</summary>
    public int Line => Problems[0].Line;

    /// <summary>The 1-based column of the first problem; 0 when unknown.</summary>
    public int Column => Problems[0].Column;

    /// <summary>The text of the first problem, without its position.</summary>
    public string Text => Problems[0].Text;

    private static string FormatMessage(IReadOnlyList<ConfigProblem> problems)
    {
        if (problems.Count == 0) throw new ArgumentException("a config exception needs at least one problem", nameof(problems));
        return string.Join("\n", problems);
    }
}
