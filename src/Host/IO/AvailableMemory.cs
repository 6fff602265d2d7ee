using System.Globalization;

namespace Pipeline.Host.IO;

/// <summary>
/// The memory a process may still take: <c>MemAvailable</c> of <c>/proc/meminfo</c>, or less when the process's
/// control group has a memory limit (cgroup v2 <c>memory.max</c> minus <c>memory.current</c>, or cgroup v1
/// <c>memory.limit_in_bytes</c> minus <c>memory.usage_in_bytes</c>).
/// </summary>
/// <param name="Bytes">Bytes still available.</param>
/// <param name="Source">Where the number comes from, for messages.</param>
public sealed record AvailableMemory(long Bytes, string Source)
{
    /// <summary>What this machine reports now; <c>null</c> where it reports nothing readable (not Linux).</summary>
    public static AvailableMemory? Read() => Read("/");

    /// <summary>The same, with <c>/proc</c> and <c>/sys</c> under <paramref name="root"/> (tests give a folder of fake files).</summary>
    public static AvailableMemory? Read(string root)
    {
        AvailableMemory? found = MemInfo(Path.Combine(root, "proc", "meminfo"));
        foreach (var (limitFile, usageFile) in new[]
        {
            ("sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory.current"),
            ("sys/fs/cgroup/memory/memory.limit_in_bytes", "sys/fs/cgroup/memory/memory.usage_in_bytes"),
        })
        {
            if (Number(Path.Combine(root, limitFile)) is not long limit || Number(Path.Combine(root, usageFile)) is not long usage) continue;
            var cgroup = new AvailableMemory(Math.Max(0, limit - usage), $"the control group's limit /{limitFile} less its usage");
            if (found is null || cgroup.Bytes < found.Bytes) found = cgroup;
        }
        return found;
    }

    private static AvailableMemory? MemInfo(string path)
    {
        if (!File.Exists(path)) return null;
        foreach (string line in File.ReadLines(path))
        {
            // "MemAvailable:   23534112 kB"
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                return new AvailableMemory(kib * 1024, "MemAvailable in /proc/meminfo");
        }
        return null;
    }

    // A limit of "max" (v2) or a page-rounded 2^63 (v1) means none.
    private static long? Number(string path)
    {
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value < long.MaxValue / 2 ? value : null;
    }
}
