using System.Diagnostics;
using System.Runtime.InteropServices;
using Fence = Pipeline.Contracts.Runtime.FinalizerFence;
using static TorchSharp.torch;

namespace Pipeline.Bench.FinalizerFence;

/// <summary>
/// Adds two small tensors in a loop while a background thread allocates garbage, with or without the fence, and counts
/// the additions libtorch refused because the collector had finalized their implicit alpha Scalar mid-call.
/// </summary>
internal static class Repro
{
    public static void Run(bool fenced, int seconds, int spinsPerAllocation)
    {
        using var scope = NewDisposeScope();
        var a = ones(4);
        var b = ones(4);
        bool stop = false;
        long allocations = 0;
        var stress = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.KeepAlive(new byte[1024]);
                if (spinsPerAllocation > 0) Thread.SpinWait(spinsPerAllocation);
                allocations++;
            }
        }) { IsBackground = true };
        Fence.Resume();
        int collections = GC.CollectionCount(0), lapses = Fence.Lapses, regions = Fence.RegionsOpened;
        stress.Start();
        var clock = Stopwatch.StartNew();
        long additions = 0, failures = 0;
        double firstFailureSeconds = double.NaN;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            void Hundred()
            {
                for (int i = 0; i < 100; i++, additions++)
                {
                    using var inner = NewDisposeScope();
                    try
                    {
                        if ((a + b).sum().item<float>() != 8f) failures++;
                    }
                    catch (ExternalException)
                    {
                        failures++;
                        if (double.IsNaN(firstFailureSeconds)) firstFailureSeconds = clock.Elapsed.TotalSeconds;
                    }
                }
            }
            if (fenced) Fence.Run(Hundred);
            else Hundred();
        }
        Volatile.Write(ref stop, true);
        stress.Join();
        double mb = allocations * 1024.0 / 1e6 / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{(fenced ? "fenced" : "unfenced")}: {additions} additions, {failures} failed (first after {firstFailureSeconds:F2} s), " +
                          $"{GC.CollectionCount(0) - collections} collections, {Fence.RegionsOpened - regions} regions, " +
                          $"{Fence.Lapses - lapses} lapses, background allocation {mb:F0} MB/s");
    }
}
