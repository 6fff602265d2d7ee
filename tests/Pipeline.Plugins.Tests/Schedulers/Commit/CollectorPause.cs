using System.Runtime;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

/// <summary>
/// The tests' copy of the host's <c>FinalizerFence</c> (plugin tests do not reference the host): runs tensor work with
/// pending finalizers drained and the collector paused, so TorchSharp 0.107 cannot finalize an implicitly created
/// Scalar or tensor while libtorch still reads it.
/// </summary>
internal static class CollectorPause
{
    public static T Run<T>(Func<T> work)
    {
        bool paused = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(64L * 1024 * 1024);
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

    public static void Run(Action work) => Run(() => { work(); return 0; });
}
