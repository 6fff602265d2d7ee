namespace Pipeline.Host.Data;

/// <summary>What a synthetic image shows: <paramref name="Count"/> shapes of one kind and colour in one half.</summary>
/// <param name="Shape"><c>circle</c>, <c>square</c> or <c>triangle</c>.</param>
/// <param name="Colour"><c>red</c>, <c>green</c>, <c>blue</c> or <c>yellow</c>.</param>
/// <param name="Count">1 to 3.</param>
/// <param name="Side"><c>left</c> or <c>right</c>: the half of the image that holds the shapes.</param>
public sealed record ImageScene(string Shape, string Colour, int Count, string Side)
{
    /// <summary>The shapes a scene can show.</summary>
    public static IReadOnlyList<string> Shapes { get; } = ["circle", "square", "triangle"];

    /// <summary>The colours a scene can use.</summary>
    public static IReadOnlyList<string> Colours { get; } = ["red", "green", "blue", "yellow"];

    /// <summary>The halves shapes can be placed in.</summary>
    public static IReadOnlyList<string> Sides { get; } = ["left", "right"];

    /// <summary>The smallest and largest shape count.</summary>
    public const int MinCount = 1, MaxCount = 3;

    /// <summary>The caption used for pretraining, for example <c>two red circles on the left .</c>.</summary>
    public string Caption() =>
        $"{NumberWords.Of(Count)} {Colour} {Shape}{(Count == 1 ? "" : "s")} on the {Side} .";

    /// <summary>
    /// The caption naming only some properties (<c>count</c>, <c>colour</c>, <c>shape</c>, <c>side</c>), in the order of
    /// <see cref="Caption()"/>: <c>red circle on the left .</c> without the count (the noun is then singular),
    /// <c>two red shapes .</c> without shape and side. With all four it is <see cref="Caption()"/>.
    /// </summary>
    public string Caption(IReadOnlyCollection<string> properties)
    {
        bool count = properties.Contains("count");
        var words = new List<string>();
        if (count) words.Add(NumberWords.Of(Count));
        if (properties.Contains("colour")) words.Add(Colour);
        string noun = properties.Contains("shape") ? Shape : "shape";
        words.Add(count && Count != 1 ? noun + "s" : noun);
        if (properties.Contains("side")) words.Add($"on the {Side}");
        return string.Join(" ", words) + " .";
    }

    /// <summary>Draws a scene with every attribute uniformly at random.</summary>
    public static ImageScene Random(Random random) => new(
        Shapes[random.Next(Shapes.Count)],
        Colours[random.Next(Colours.Count)],
        random.Next(MinCount, MaxCount + 1),
        Sides[random.Next(Sides.Count)]);
}
