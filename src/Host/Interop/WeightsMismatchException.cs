namespace Pipeline.Host.Interop;

/// <summary>
/// A checkpoint that does not fit the component it is loaded into: <c>config.json</c> describes other dimensions,
/// tensors are missing, unexpected or of another shape. The message names every problem, one per line.
/// </summary>
public sealed class WeightsMismatchException : Exception
{
    public WeightsMismatchException(string message) : base(message)
    {
    }

    /// <summary>At most <paramref name="limit"/> items joined with commas, then "(and N more)".</summary>
    public static string Abbreviate(IReadOnlyCollection<string> items, int limit) =>
        string.Join(", ", items.Take(limit)) + (items.Count > limit ? $" (and {items.Count - limit} more)" : "");
}
