using System.Text.RegularExpressions;

namespace Pipeline.Host.Tests.Support;

/// <summary>What one run of the headless browser gave: its exit code, standard output (the DOM, for a dump) and error
/// output (its log, console messages included).</summary>
public sealed partial record BrowserRun(int ExitCode, string Output, string Log)
{
    /// <summary>
    /// The page's console messages and uncaught errors from the log. With <c>--enable-logging=stderr</c> Chromium logs
    /// every console message, whatever its level, as <c>[...:INFO:CONSOLE:LINE] "text", source: URL (LINE)</c>, and a
    /// blocked resource (Content-Security-Policy) the same way; the browser's own noise (D-Bus, GPU) never carries the
    /// CONSOLE tag. A page that should log nothing is checked by asking for this list to be empty.
    /// </summary>
    public IReadOnlyList<string> ConsoleMessages => Log.Split('\n')
        .Where(line => ConsoleLine().IsMatch(line) || line.Contains("Uncaught", StringComparison.Ordinal))
        .Select(line => line.TrimEnd('\r'))
        .ToList();

    [GeneratedRegex(@":CONSOLE[:(]\d+")]
    private static partial Regex ConsoleLine();
}
