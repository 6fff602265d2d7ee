using System.Runtime;
using System.Runtime.InteropServices;
using Pipeline.Contracts.Runtime;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Contracts;

/// <summary>
/// The fence keeps TorchSharp's implicitly created objects from being finalized while libtorch reads them, reuses its
/// pause from call to call, and says when work allocated past what the pause allowed.
/// </summary>
public sealed class FinalizerFenceTests
{
    [Fact]
    public void Without_the_fence_collections_during_additions_break_them_and_with_it_none_does()
    {
        // a + b is a.add(b, alpha: 1): TorchSharp makes the alpha Scalar, passes its handle to libtorch and leaves the
        // object to the collector. A background thread allocating garbage keeps collections (and so finalizers) running.
        using var scope = NewDisposeScope();
        Tensor a = ones(4);
        Tensor b = ones(4);
        FinalizerFence.Resume();
        using (new CollectionPressure())
        {
            var unprotected = Additions(a, b, maxAdditions: 3_000_000, stopAtFirstFailure: true, fenced: false);
            unprotected.Failures.Should().NotBeEmpty("a collection finalizing the alpha Scalar mid-call breaks the addition");
            unprotected.Failures[0].Should().Contain("Expected false to be true").And.Contain("toFloat");

            // Ten times as many additions as it took to break one without the fence (at least 20,000): none breaks.
            int fencedAdditions = Math.Clamp(10 * unprotected.Additions, 20_000, 300_000);
            int lapses = FinalizerFence.Lapses;
            var fenced = Additions(a, b, fencedAdditions, stopAtFirstFailure: false, fenced: true);
            fenced.Failures.Should().BeEmpty($"collection was paused ({FinalizerFence.Lapses - lapses} lapses)");
            fenced.Additions.Should().Be(fencedAdditions);
        }
    }

    [Fact]
    public void Consecutive_calls_share_one_pause_and_a_collection_between_them_is_not_a_lapse()
    {
        FinalizerFence.Resume();
        GCSettings.LatencyMode.Should().NotBe(GCLatencyMode.NoGCRegion);
        int lapses = FinalizerFence.Lapses;
        // The fence sizes its headroom by the largest work of this region and the one before; an earlier test's large
        // work may make the first two calls open a region each.
        FinalizerFence.Run(() => 0);
        FinalizerFence.Run(() => 0);
        GCSettings.LatencyMode.Should().Be(GCLatencyMode.NoGCRegion, "the pause outlives the call, for the next one");
        int opened = FinalizerFence.RegionsOpened;

        for (int i = 0; i < 10; i++) FinalizerFence.Run(() => new byte[1024].Length);
        FinalizerFence.RegionsOpened.Should().Be(opened);

        GC.Collect();
        FinalizerFence.Run(() => 0);
        FinalizerFence.RegionsOpened.Should().Be(opened + 1, "the collection ended the pause, so the next call opened another");
        FinalizerFence.Lapses.Should().Be(lapses, "no fenced work was running when it ended");

        FinalizerFence.Resume();
        GCSettings.LatencyMode.Should().NotBe(GCLatencyMode.NoGCRegion);
    }

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
        FinalizerFence.Resume();
    }

    private static (int Additions, List<string> Failures) Additions(Tensor a, Tensor b, int maxAdditions, bool stopAtFirstFailure, bool fenced)
    {
        var failures = new List<string>();
        int done = 0;
        while (done < maxAdditions && !(stopAtFirstFailure && failures.Count > 0))
        {
            // The fence wraps ten additions at a time, as a loop would wrap one iteration of its work.
            void Ten()
            {
                for (int i = 0; i < 10 && done < maxAdditions; i++, done++)
                {
                    using var scope = NewDisposeScope();
                    try
                    {
                        float sum = (a + b).sum().item<float>();
                        if (sum != 8f) failures.Add($"sum {sum} instead of 8");
                    }
                    catch (ExternalException error)
                    {
                        failures.Add(error.Message);
                    }
                    if (stopAtFirstFailure && failures.Count > 0) return;
                }
            }
            if (fenced) FinalizerFence.Run(Ten);
            else Ten();
        }
        return (done, failures);
    }

    /// <summary>A background thread that allocates short-lived garbage until disposed, so the runtime keeps collecting.</summary>
    private sealed class CollectionPressure : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public CollectionPressure()
        {
            _thread = new Thread(() =>
            {
                while (!_stop) GC.KeepAlive(new byte[1024]);
            }) { IsBackground = true };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
