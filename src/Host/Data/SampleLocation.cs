namespace Pipeline.Host.Data;

/// <summary>Where a sample was read from: its data file, its index in the file's top-level array and the line it starts on.</summary>
/// <param name="File">The data file, as the configuration resolved it.</param>
/// <param name="Index">The item's position in the array, from 0.</param>
/// <param name="Line">The line the item starts on, from 1.</param>
public sealed record SampleLocation(string File, int Index, int Line)
{
    /// <summary><c>file:line</c>, the prefix of messages about the sample.</summary>
    public override string ToString() => $"{File}:{Line}";
}
