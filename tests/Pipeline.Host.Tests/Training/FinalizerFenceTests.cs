using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Training;

/// <summary>The fence says when work allocated past its allowance, so a run can warn that collection was not paused throughout.</summary>
public sealed class FinalizerFenceTests
{
    [Fact]
    public void Work_within_the_allowance_keeps_the_pause_and_work_beyond_it_is_counted_as_a_lapse()
    {
        int before = FinalizerFence.Lapses;
        FinalizerFence.Run(() => new byte[1 << 20].Length);
        FinalizerFence.Lapses.Should().Be(before);

        // Three times the allowance, in pieces the runtime must collect between.
        FinalizerFence.Run(() =>
        {
            long kept = 0;
            for (int i = 0; i < 3 * (FinalizerFence.RegionBytes >> 20); i++) kept += new byte[1 << 20].Length;
            return kept;
        });

        FinalizerFence.Lapses.Should().Be(before + 1);
    }
}
