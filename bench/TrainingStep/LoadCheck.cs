namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// The machine's load, read from <c>uptime</c> at the start and the end of a benchmark: numbers are publishable only
/// when the one-minute load average was below 1 both times.
/// </summary>
internal sealed class LoadCheck
{
    private LoadCheck(string uptime, double oneMinute)
    {
        Uptime = uptime;
        OneMinute = oneMinute;
    }

    /// <summary>The line <c>uptime</c> printed.</summary>
    public string Uptime { get; }

    /// <summary>The one-minute load average.</summary>
    public double OneMinute { get; }

    /// <summary>Runs <c>uptime</c>, prints its line with <paramref name="when"/>, and returns it with the load of <c>/proc/loadavg</c>.</summary>
    public static LoadCheck Take(string when)
    {
        string line;
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("uptime") { RedirectStandardOutput = true })!;
            line = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            line = "(no uptime) load average: " + File.ReadAllText("/proc/loadavg").Trim();
        }
        double load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"uptime at the {when}: {line}");
        return new LoadCheck(line, load);
    }

    /// <summary>Whether both loads were below 1; prints a warning when not.</summary>
    public static bool Publishable(LoadCheck start, LoadCheck end)
    {
        bool quiet = start.OneMinute < 1 && end.OneMinute < 1;
        if (!quiet)
            Console.WriteLine($"WARNING: the 1-minute load was {start.OneMinute:F2} at the start and {end.OneMinute:F2} at the end (must be below 1 both times): " +
                              "do NOT publish these numbers; run again on an idle machine.");
        return quiet;
    }
}
