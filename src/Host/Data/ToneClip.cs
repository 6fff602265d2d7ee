namespace Pipeline.Host.Data;

/// <summary>What a synthetic audio clip holds: <paramref name="BeepCount"/> tone bursts of one pitch and kind.</summary>
/// <param name="BeepCount">1 to 3 bursts, separated by silence.</param>
/// <param name="Pitch"><c>low</c> (about 300 Hz) or <c>high</c> (about 1200 Hz): the root frequency.</param>
/// <param name="Kind"><c>note</c> (one sine) or <c>chord</c> (a major triad: root, 5/4 and 3/2 of it).</param>
public sealed record ToneClip(int BeepCount, string Pitch, string Kind)
{
    /// <summary>The pitches a clip can have.</summary>
    public static IReadOnlyList<string> Pitches { get; } = ["low", "high"];

    /// <summary>The kinds of burst a clip can have.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["note", "chord"];

    /// <summary>The smallest and largest number of bursts.</summary>
    public const int MinBeeps = 1, MaxBeeps = 3;

    /// <summary>The caption used for pretraining, for example <c>three high beeps .</c> or <c>one low chord .</c>.</summary>
    public string Caption() =>
        $"{NumberWords.Of(BeepCount)} {Pitch} {(Kind == "chord" ? "chord" : "beep")}{(BeepCount == 1 ? "" : "s")} .";

    /// <summary>Draws a clip with every attribute uniformly at random.</summary>
    public static ToneClip Random(Random random) => new(
        random.Next(MinBeeps, MaxBeeps + 1),
        Pitches[random.Next(Pitches.Count)],
        Kinds[random.Next(Kinds.Count)]);
}
