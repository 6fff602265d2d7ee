using Spectre.Console;

namespace Pipeline.Host.Cli;

/// <summary>Spectre.Console over the current <see cref="Console.Out"/>.</summary>
public static class Terminal
{
    /// <summary>
    /// A console writing to <see cref="Console.Out"/> as it is now (so in-process callers that redirect it, such as
    /// tests, capture the output), with colours and interactivity detected from the real terminal.
    /// </summary>
    public static IAnsiConsole Create() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
}
