using System.Diagnostics;

namespace Pipeline.Host.Tests.Support;

/// <summary>
/// Runs Debian's <c>chromium-headless-shell</c> on a local page, for tests that check what a browser really makes of a
/// page we write: a screenshot, the DOM after the load event, and the console.
/// </summary>
/// <remarks>
/// The browser is looked up as <see cref="PathVariable"/> names it, else as <see cref="Program"/> on the PATH. Tests
/// that need it use <see cref="BrowserFactAttribute"/>: they fail, saying how to install it, when it is absent, unless
/// <see cref="SkipVariable"/> is <c>1</c>, which reports them skipped instead.
/// </remarks>
public static class HeadlessBrowser
{
    public const string Program = "chromium-headless-shell";

    /// <summary>An environment variable that may name the browser's executable.</summary>
    public const string PathVariable = "PIPELINE_HEADLESS_BROWSER";

    /// <summary>Set to <c>1</c>, browser tests on a machine without the browser are skipped rather than failed.</summary>
    public const string SkipVariable = "PIPELINE_SKIP_BROWSER_TESTS";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The browser's executable, or null when there is none.</summary>
    public static string? Find()
    {
        string? given = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(given)) return File.Exists(given) ? given : null;
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, Program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The browser's executable; throws, saying how to get it or skip, when there is none.</summary>
    public static string Require()
    {
        if (Find() is { } found) return found;
        string? given = Environment.GetEnvironmentVariable(PathVariable);
        string where = string.IsNullOrEmpty(given) ? $"'{Program}' is not on the PATH" : $"{PathVariable} names '{given}', which is not a file";
        throw new InvalidOperationException(
            $"The headless browser was not found: {where}. Install it (Debian: apt-get install {Program}) " +
            $"or set {SkipVariable}=1 to skip the browser tests.");
    }

    /// <summary>Loads <paramref name="page"/> at <paramref name="width"/> x <paramref name="height"/> and saves a PNG of it to <paramref name="screenshot"/>.</summary>
    public static BrowserRun Screenshot(string page, string screenshot, int width, int height) =>
        Run(page, $"--screenshot={screenshot}", $"--window-size={width},{height}");

    /// <summary>Loads <paramref name="page"/> and returns the DOM as it is after the load event, in <see cref="BrowserRun.Output"/>.</summary>
    public static BrowserRun DumpDom(string page) => Run(page, "--dump-dom");

    private static BrowserRun Run(string page, params string[] arguments)
    {
        string profile = Path.Combine(Path.GetTempPath(), $"pipeline-browser-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(Require())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No sandbox: tests may run as root, where Chromium refuses to start with it; the page is our own local file.
        foreach (string argument in (string[])["--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                     $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", .. arguments, new Uri(Path.GetFullPath(page)).AbsoluteUri])
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{start.FileName}' did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var log = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{start.FileName}' did not finish within {Timeout.TotalSeconds} s on '{page}'");
            }
            process.WaitForExit();
            return new BrowserRun(process.ExitCode, output.Result, log.Result);
        }
        finally
        {
            if (Directory.Exists(profile)) Directory.Delete(profile, recursive: true);
        }
    }
}
