namespace Pipeline.Host.Training;

/// <summary>Deterministic shuffled sample order: a fresh permutation per epoch, drawn from one seeded generator.</summary>
public sealed class SampleOrder(int count, long seed)
{
    private readonly Random _random = new((int)(seed % int.MaxValue));
    private int[] _permutation = [];
    private int _position;

    /// <summary>The next <paramref name="size"/> sample indexes, wrapping into a new epoch when one runs out.</summary>
    public IReadOnlyList<int> Next(int size)
    {
        var result = new List<int>(size);
        while (result.Count < size)
        {
            if (_position >= _permutation.Length)
            {
                _permutation = Enumerable.Range(0, count).ToArray();
                _random.Shuffle(_permutation);
                _position = 0;
            }
            result.Add(_permutation[_position++]);
        }
        return result;
    }
}
