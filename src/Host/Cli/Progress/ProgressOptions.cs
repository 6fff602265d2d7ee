using System.CommandLine;

namespace Pipeline.Host.Cli.Progress;

/// <summary>The command-line switch that turns live progress bars off.</summary>
public static class ProgressOptions
{
    public static Option<bool> Plain() => new("--plain", "--no-progress")
    {
        Description = "Print a line every run.log_every steps instead of live progress bars " +
                      "(bars are drawn only when standard output is an interactive terminal).",
    };
}
