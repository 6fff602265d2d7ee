using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Pipeline.Host.Data;

namespace Pipeline.Host.Training;

/// <summary>
/// Prepares batches (<see cref="BatchCollator.Prepare"/>: reading samples, decoding media, padding) ahead of the
/// training step on one background thread, into a queue of at most <c>capacity</c> batches, so the step does not wait
/// for data. Up to <c>capacity + 2</c> prepared batches are alive at once: the queue, the one being prepared and the
/// one the step holds. The batches come in the order of the index sequence it is given; the consumer names the indices it
/// expects, and a mismatch is a bug, not a silent reorder. With capacity 0 each batch is prepared on the calling
/// thread when asked for. An error while preparing a batch (a media file that vanished, say) is thrown by
/// <see cref="Next"/> for that batch, with its message. No TorchSharp call is made on the background thread.
/// </summary>
/// <remarks>
/// The background thread allocates managed memory (decoded media) while a step runs inside
/// <see cref="Contracts.Runtime.FinalizerFence"/>. The fence's allowance
/// (<see cref="Contracts.Runtime.FinalizerFence.RegionBytes"/>) is far above what the queue holds at the sizes tested
/// here; a run whose prepared batches are near that size should lower <c>data.prefetch_batches</c>.
/// </remarks>
public sealed class BatchPrefetcher : IDisposable
{
    private sealed record Prepared(IReadOnlyList<int> Indices, PreparedBatch? Batch, ExceptionDispatchInfo? Error);

    private readonly BatchCollator _collator;
    private readonly IReadOnlyList<TokenizedSample> _samples;
    private readonly IEnumerator<IReadOnlyList<int>> _batches;
    private readonly BlockingCollection<Prepared>? _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread? _producer;
    private bool _disposed;

    /// <param name="collator">Prepares each batch.</param>
    /// <param name="samples">The split the indices point into.</param>
    /// <param name="batches">The index batches, in the order they will be asked for (may be endless).</param>
    /// <param name="capacity">Batches prepared ahead; 0 prepares each on the calling thread.</param>
    public BatchPrefetcher(BatchCollator collator, IReadOnlyList<TokenizedSample> samples, IEnumerable<IReadOnlyList<int>> batches, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _collator = collator;
        _samples = samples;
        _batches = batches.GetEnumerator();
        if (capacity == 0) return;
        _queue = new BlockingCollection<Prepared>(capacity);
        _producer = new Thread(Produce) { IsBackground = true, Name = "pipeline batch prefetch" };
        _producer.Start();
    }

    /// <summary>The next batch, which must be the one for <paramref name="indices"/>.</summary>
    /// <exception cref="InvalidDataException">Preparing the batch failed on bad data; the message names the sample.</exception>
    /// <exception cref="InvalidOperationException">The index sequence ran out, or does not match <paramref name="indices"/>.</exception>
    public PreparedBatch Next(IReadOnlyList<int> indices)
    {
        Prepared prepared = _queue is null ? PrepareNext() ?? throw Exhausted() : Take();
        prepared.Error?.Throw();
        if (!prepared.Indices.SequenceEqual(indices))
            throw new InvalidOperationException("the prefetched batch does not hold the samples the step asked for; the sample order and the prefetch order diverged");
        return prepared.Batch!;
    }

    private Prepared Take()
    {
        try
        {
            return _queue!.Take(_stop.Token);
        }
        catch (InvalidOperationException)
        {
            throw Exhausted();
        }
    }

    private static InvalidOperationException Exhausted() => new("the prefetcher has no more batches");

    private Prepared? PrepareNext()
    {
        if (!_batches.MoveNext()) return null;
        var indices = _batches.Current;
        try
        {
            return new Prepared(indices, _collator.Prepare(indices.Select(i => _samples[i]).ToList()), null);
        }
        catch (Exception error) when (error is InvalidDataException or IOException)
        {
            return new Prepared(indices, null, ExceptionDispatchInfo.Capture(error));
        }
    }

    private void Produce()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var prepared = PrepareNext();
                if (prepared is null) break;
                _queue!.Add(prepared, _stop.Token);
                if (prepared.Error is not null) break;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception error)
        {
            // Anything else (a bug) reaches the consumer instead of killing the process on this thread.
            try { _queue!.Add(new Prepared([], null, ExceptionDispatchInfo.Capture(error)), _stop.Token); } catch (OperationCanceledException) { }
        }
        finally
        {
            _queue!.CompleteAdding();
        }
    }

    /// <summary>Stops the background thread and drops the batches it prepared.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _producer?.Join();
        _queue?.Dispose();
        _batches.Dispose();
        _stop.Dispose();
    }
}
