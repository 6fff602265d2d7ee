using System.Runtime;

namespace Pipeline.Contracts.Runtime;

/// <summary>
/// Runs tensor work with garbage collection paused, so that no TorchSharp object is finalized while libtorch still
/// reads it. The host runs every training step and every evaluation batch inside it; a plugin that runs its own loop of
/// tensor work outside those (a calibration pass, a merge, a test) wraps each iteration in <see cref="Run{T}"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>The failure it prevents.</b> TorchSharp 0.107 creates native objects implicitly and leaves them to the garbage
/// collector: the <c>alpha</c> Scalar of every <c>a + b</c> and <c>a - b</c> (<c>add(b)</c> is <c>add(b, 1)</c>), every
/// number converted to a Scalar (<c>x * 0.5</c>, <c>clamp(min: 0)</c>, the optimizers' <c>mul_(beta)</c>), and every
/// tensor made in an expression outside a dispose scope. Only their native handles reach libtorch. Once the handle is
/// read, the managed object is unreachable, so a collection that runs while the native call is still going (started
/// by another thread's allocation) queues its finalizer, and the finalizer thread frees the object while libtorch reads
/// it. That showed up as <c>add</c> failing with libtorch's "Expected false to be true" from <c>Scalar::toFloat</c> and as
/// non-finite values in otherwise finite training runs. Tensors held by a dispose scope are reachable and safe; the
/// implicit Scalars are not, and no scope can hold them.
/// </para>
/// <para>
/// <b>How.</b> Before the work runs, the fence makes sure a no-GC region (<see cref="GC.TryStartNoGCRegion(long)"/>,
/// <see cref="RegionBytes"/> of managed allocation) is open and that the finalizers of the collection that opened it
/// have finished. The region stays open after the work returns: the next call reuses it, without a collection, as
/// long as the allocation left in it covers twice the most one fenced work allocated in this region or the one before
/// (and at least <see cref="MinimumHeadroomBytes"/>); otherwise it opens a new one. Code between fenced calls therefore
/// also runs with collection paused; the runtime ends the pause by itself when the allowance is spent, a call to
/// <see cref="GC.Collect()"/> ends it, and so does <see cref="Resume"/>. Code that opens a no-GC region of its own
/// must call <see cref="Resume"/> first: <see cref="GC.TryStartNoGCRegion(long)"/> throws while one is open.
/// </para>
/// <para>
/// <b>Cost.</b> Opening a region is a full blocking collection plus a wait for the finalizer thread; what it takes grows
/// with the number of live managed objects (docs/PERFORMANCE.md counts the collections of a quickstart run). Reusing
/// the region costs a lock and a few counter reads. Memory: up to <see cref="RegionBytes"/> of managed garbage (and the
/// native memory of undisposed tensors among it) waits for the next collection.
/// </para>
/// <para>
/// <b>Lapses.</b> If fenced work allocates more than the region has left (large decoded media, many prefetched
/// batches), or calls <see cref="GC.Collect()"/>, the runtime collects in the middle of it and the protection is gone
/// for the rest of that work. <see cref="Lapses"/> counts such works; a count that grows means the work should allocate
/// less managed memory per call (smaller batches or media), not that anything went wrong yet.
/// </para>
/// <para>
/// Calls may nest and may come from several threads; a call opens a region (and so collects) only while no other
/// thread is inside fenced work, else it joins the open one. Work that never passes an implicitly created object to
/// libtorch (copies, type and device conversions, reading and writing tensor bytes, all inside a dispose scope) does
/// not need the fence.
/// </para>
/// </remarks>
public static class FinalizerFence
{
    /// <summary>Managed bytes that may be allocated in one no-GC region before the runtime ends it by itself.</summary>
    public const long RegionBytes = 128L * 1024 * 1024;

    /// <summary>The least allocation a reused region must still allow; with less left, the next call opens a new one.</summary>
    public const long MinimumHeadroomBytes = RegionBytes / 4;

    private static readonly Lock Gate = new();
    private static bool _regionOpen;
    private static int _regionCollections;
    private static long _regionStartBytes;
    private static long _largestWorkBytes;
    private static long _previousLargestWorkBytes;
    private static int _inFlight;
    [ThreadStatic] private static int t_inFlightHere;
    private static int _lapses;
    private static int _regionsOpened;

    /// <summary>
    /// How many fenced works were still running when their region ended (they allocated past what was left of it, or
    /// something called <see cref="GC.Collect()"/>), so that collection was not paused for all of them.
    /// </summary>
    public static int Lapses => Volatile.Read(ref _lapses);

    /// <summary>How many no-GC regions the fence has opened, each with a blocking collection (for measurements).</summary>
    public static int RegionsOpened => Volatile.Read(ref _regionsOpened);

    /// <summary>Runs <paramref name="work"/> with collection paused and returns its result.</summary>
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Enter();
        long before = GC.GetTotalAllocatedBytes();
        try
        {
            return work();
        }
        finally
        {
            Leave(GC.GetTotalAllocatedBytes() - before);
        }
    }

    /// <summary>Runs <paramref name="work"/> with collection paused.</summary>
    public static void Run(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Run(() =>
        {
            work();
            return 0;
        });
    }

    /// <summary>
    /// Ends the pause the fence left open, so the collector runs again at once (for example before a long phase with no
    /// tensor work). Not to be called from inside fenced work.
    /// </summary>
    public static void Resume()
    {
        lock (Gate)
        {
            if (_regionOpen && RegionStillOpen()) EndRegion();
            _regionOpen = false;
        }
    }

    private static void Enter()
    {
        lock (Gate)
        {
            if (RegionEndedByRuntime() && _inFlight > 0) _lapses++;
            long used = GC.GetTotalAllocatedBytes() - _regionStartBytes;
            long headroom = Math.Max(MinimumHeadroomBytes, 2 * Math.Max(_largestWorkBytes, _previousLargestWorkBytes));
            // Opening a region collects, which is safe only while no other thread is inside fenced work: otherwise join
            // the open region (or, if it lapsed, run as the other thread does).
            bool othersInFlight = _inFlight > t_inFlightHere;
            if (!othersInFlight && (!_regionOpen || RegionBytes - used < headroom))
            {
                if (_regionOpen) EndRegion();
                _regionOpen = false;
                // Someone else's region (a caller's own TryStartNoGCRegion) already pauses collection: work inside it.
                if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(RegionBytes))
                {
                    _regionOpen = true;
                    _regionCollections = GC.CollectionCount(0);
                    _regionStartBytes = GC.GetTotalAllocatedBytes();
                    _regionsOpened++;
                    // One outlier (a work far larger than the rest) forces new regions for two regions' time, not for good.
                    _previousLargestWorkBytes = _largestWorkBytes;
                    _largestWorkBytes = 0;
                }
                // Opening the region collected: let the finalizers it queued finish before native work starts.
                GC.WaitForPendingFinalizers();
            }
            _inFlight++;
            t_inFlightHere++;
        }
    }

    private static void Leave(long allocated)
    {
        lock (Gate)
        {
            if (RegionEndedByRuntime()) _lapses++;
            _largestWorkBytes = Math.Max(_largestWorkBytes, allocated);
            _inFlight--;
            t_inFlightHere--;
        }
    }

    /// <summary>Whether the region the fence opened was ended by a collection since (forgetting it if so).</summary>
    private static bool RegionEndedByRuntime()
    {
        if (!_regionOpen || RegionStillOpen()) return false;
        _regionOpen = false;
        return true;
    }

    // Any collection, whatever its generation, counts in generation 0's count, and ends a no-GC region.
    private static bool RegionStillOpen() =>
        GCSettings.LatencyMode == GCLatencyMode.NoGCRegion && GC.CollectionCount(0) == _regionCollections;

    private static void EndRegion()
    {
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The runtime ended it between the check and the call: nothing left to end.
        }
    }
}
