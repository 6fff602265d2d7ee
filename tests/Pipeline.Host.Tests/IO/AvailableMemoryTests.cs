using Pipeline.Host.IO;
using Pipeline.Host.Tests.Data;

namespace Pipeline.Host.Tests.IO;

/// <summary><see cref="AvailableMemory"/> from a fake <c>/proc</c> and <c>/sys</c>: MemAvailable, lowered by a control group's limit.</summary>
public sealed class AvailableMemoryTests : IDisposable
{
    private readonly TemporaryFolder _root = new();

    private void Write(string path, string text) => File.WriteAllText(_root.File(path.Split('/')), text);

    private const string MemInfo = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:    2000000 kB\nBuffers:           10000 kB\n";

    [Fact]
    public void Without_a_control_group_limit_it_is_mem_available()
    {
        Write("proc/meminfo", MemInfo);
        Write("sys/fs/cgroup/memory.max", "max\n");
        Write("sys/fs/cgroup/memory.current", "5000\n");

        AvailableMemory.Read(_root.Path).Should().Be(new AvailableMemory(2_048_000_000, "MemAvailable in /proc/meminfo"));
    }

    [Fact]
    public void A_cgroup_v2_limit_below_mem_available_wins_less_what_the_group_uses()
    {
        Write("proc/meminfo", MemInfo);
        Write("sys/fs/cgroup/memory.max", "1000000000\n");
        Write("sys/fs/cgroup/memory.current", "400000000\n");

        AvailableMemory.Read(_root.Path).Should().Be(new AvailableMemory(600_000_000, "the control group's limit /sys/fs/cgroup/memory.max less its usage"));
    }

    [Fact]
    public void A_cgroup_v1_limit_counts_and_its_no_limit_value_does_not()
    {
        Write("proc/meminfo", MemInfo);
        Write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        Write("sys/fs/cgroup/memory/memory.usage_in_bytes", "100\n");
        AvailableMemory.Read(_root.Path)!.Bytes.Should().Be(2_048_000_000);

        Write("sys/fs/cgroup/memory/memory.limit_in_bytes", "300000000\n");
        AvailableMemory.Read(_root.Path).Should().Be(
            new AvailableMemory(299_999_900, "the control group's limit /sys/fs/cgroup/memory/memory.limit_in_bytes less its usage"));
    }

    [Fact]
    public void Nothing_readable_is_no_number()
    {
        AvailableMemory.Read(_root.Path).Should().BeNull();
    }

    public void Dispose() => _root.Dispose();
}
