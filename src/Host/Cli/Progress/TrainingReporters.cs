using Pipeline.Host.Reporting;
using Spectre.Console;

namespace Pipeline.Host.Cli.Progress;

/// <summary>How training progress is shown.</summary>
public enum ProgressDisplay
{
    /// <summary>A line every <c>log_every</c> steps (<see cref="PlainTrainingReporter"/>).</summary>
    Plain,

    /// <summary>Live progress bars (<see cref="LiveTrainingReporter"/>).</summary>
    Live,
}

/// <summary>Chooses and creates the training reporter for the current console.</summary>
public static class TrainingReporters
{
    /// <summary>
    /// Live bars only when nobody asked for plain lines, standard output is not redirected, and the terminal is
    /// interactive and understands ANSI cursor movement; everything else (pipes, files, CI, <c>TERM=dumb</c>,
    /// test runners) gets plain lines.
    /// </summary>
    public static ProgressDisplay Choose(bool plainRequested, bool outputRedirected, bool interactive, bool ansi) =>
        !plainRequested && !outputRedirected && interactive && ansi ? ProgressDisplay.Live : ProgressDisplay.Plain;

    /// <summary>The reporter for <see cref="Console.Out"/>.</summary>
    public static ITrainingReporter Create(bool plainRequested, int logEvery)
    {
        IAnsiConsole console = Terminal.Create();
        var capabilities = console.Profile.Capabilities;
        return Choose(plainRequested, Console.IsOutputRedirected, capabilities.Interactive, capabilities.Ansi) == ProgressDisplay.Live
            ? new LiveTrainingReporter(console)
            : new PlainTrainingReporter(line => Console.Out.WriteLine(line), logEvery);
    }
}
