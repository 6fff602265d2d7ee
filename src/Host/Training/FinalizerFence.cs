using System.Runtime;

namespace Pipeline.Host.Training;

/// <summary>
/// Runs tensor work with garbage collection paused, so no TorchSharp object is finalized while native code still uses it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 leaves implicitly created objects (for example the <c>alpha</c> Scalar of every <c>a + b</c>) to the
/// garbage collector, and passes only their native handles to libtorch. A collection during the native call can run
/// their finalizers on the finalizer thread while libtorch is still reading them. On these machines that showed up as
/// <c>add</c> failing with libtorch's "Expected false to be true" (<c>Scalar::toFloat</c>) and as non-finite values
/// in otherwise finite training runs. The fence drains pending finalizers, forbids collections for the duration of
/// the work (up to <see cref="RegionBytes"/> of managed allocation, far more than a step allocates), and lets the
/// collector run again afterwards.
/// </remarks>
public static class FinalizerFence
{
    /// <summary>Managed bytes the work may allocate before the runtime ends the pause by itself.</summary>
    public const long RegionBytes = 128L * 1024 * 1024;

    private static int _lapses;

    /// <summary>
    /// How many times work allocated more than <see cref="RegionBytes"/>, so that the runtime collected and ended the
    /// pause before the work was done (the protection lapsed for the rest of that work).
    /// </summary>
    public static int Lapses => Volatile.Read(ref _lapses);

    /// <summary>Runs <paramref name="work"/> inside the fence.</summary>
    public static T Run<T>(Func<T> work)
    {
        bool paused = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(RegionBytes);
        // Starting the region may itself have collected: let the finalizers it queued finish before native work starts.
        GC.WaitForPendingFinalizers();
        try
        {
            return work();
        }
        finally
        {
            if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            else if (paused) Interlocked.Increment(ref _lapses);
        }
    }
}
