namespace Pipeline.Bench.FrozenPrecision;

/// <summary>This process's resident memory from <c>/proc/self/status</c> (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>Resident set size now (VmRSS), in bytes.</summary>
    public static long Resident() => Read("VmRSS:");

    /// <summary>Peak resident set size since start or the last <see cref="ResetPeak"/> (VmHWM), in bytes.</summary>
    public static long Peak() => Read("VmHWM:");

    /// <summary>Sets the peak to the current resident size (writes 5 to <c>/proc/self/clear_refs</c>), so set-up does not count.</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long Read(string field) =>
        long.Parse(File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith(field, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
