namespace Pipeline.Bench.TrainingStep;

/// <summary>This process's resident memory from <c>/proc/self/status</c> (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>Resident memory now (<c>VmRSS</c>), in MiB.</summary>
    public static double CurrentMiB() => Read("VmRSS:");

    /// <summary>Peak resident memory so far (<c>VmHWM</c>), in MiB.</summary>
    public static double PeakMiB() => Read("VmHWM:");

    private static double Read(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }
}
