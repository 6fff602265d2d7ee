namespace Pipeline.Host.Training;

/// <summary>Deterministic shuffled sample order: a fresh permutation per epoch, drawn from one seeded generator.</summary>
public sealed class SampleOrder(int count, long seed)
{
    private readonly Random _random = new((int)(seed % int.MaxValue));
    private int[] _permutation = [];
    private int _position;

    /// <summary>How many samples the order permutes.</summary>
    public int Count => count;

    /// <summary>The seed of the generator.</summary>
    public long Seed => seed;

    /// <summary>Permutations drawn so far (the current epoch, from 1; 0 before the first draw).</summary>
    public int Epochs { get; private set; }

    /// <summary>Indexes of the current permutation already handed out.</summary>
    public int Position => _position;

    /// <summary>The next <paramref name="size"/> sample indexes, wrapping into a new epoch when one runs out.</summary>
    public IReadOnlyList<int> Next(int size)
    {
        var result = new List<int>(size);
        while (result.Count < size)
        {
            if (_position >= _permutation.Length) NewEpoch();
            result.Add(_permutation[_position++]);
        }
        return result;
    }

    /// <summary>
    /// Moves a fresh order to where another one with the same count and seed stood after drawing
    /// <paramref name="epochs"/> permutations and handing out <paramref name="position"/> indexes of the last. The
    /// permutations are drawn again (System.Random's state cannot be saved), so the order continues exactly.
    /// </summary>
    public void FastForward(int epochs, int position)
    {
        if (Epochs != 0) throw new InvalidOperationException("only a fresh sample order can be fast-forwarded");
        if (epochs < 0 || position < 0 || position > count || (epochs == 0 && position != 0))
            throw new ArgumentException($"no sample order of {count} samples is at epoch {epochs}, position {position}");
        for (int i = 0; i < epochs; i++) NewEpoch();
        _position = position;
    }

    /// <summary>
    /// The batches of <paramref name="size"/> indexes this order will hand out from where it stands now, endlessly,
    /// drawn from a copy (this order does not move), so batches can be prepared ahead of the steps that take them.
    /// </summary>
    public IEnumerable<IReadOnlyList<int>> UpcomingBatches(int size)
    {
        // The copy is made now, not when enumeration starts (on another thread, after this order may have moved).
        var copy = new SampleOrder(count, seed);
        copy.FastForward(Epochs, Position);
        return Endless(copy, size);
    }

    private static IEnumerable<IReadOnlyList<int>> Endless(SampleOrder order, int size)
    {
        while (true) yield return order.Next(size);
    }

    private void NewEpoch()
    {
        _permutation = Enumerable.Range(0, count).ToArray();
        _random.Shuffle(_permutation);
        _position = 0;
        Epochs++;
    }
}
