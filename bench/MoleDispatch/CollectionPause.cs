using System.Runtime;

namespace Pipeline.Bench.MoleDispatch;

/// <summary>
/// Runs timed tensor work with garbage collection paused, as the host's FinalizerFence does: TorchSharp 0.107 leaves
/// implicitly created Scalars to the finalizer, which must not run while libtorch still reads them. It also keeps
/// collections out of the timings.
/// </summary>
internal static class CollectionPause
{
    private const long RegionBytes = 128L * 1024 * 1024;

    public static T Run<T>(Func<T> work)
    {
        bool paused = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(RegionBytes);
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
