using System.Runtime;

namespace Pipeline.Bench.FinalizerFence;

/// <summary>
/// The fence as it was before it moved to the contracts: a no-GC region opened (with its blocking collection) and ended
/// around every call.
/// </summary>
internal static class PerStepFence
{
    public static T Run<T>(Func<T> work)
    {
        bool paused = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Pipeline.Contracts.Runtime.FinalizerFence.RegionBytes);
        GC.WaitForPendingFinalizers();
        try
        {
            return work();
        }
        finally
        {
            if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }
}
