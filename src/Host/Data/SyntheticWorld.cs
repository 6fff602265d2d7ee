namespace Pipeline.Host.Data;

/// <summary>
/// The small world of text facts behind the synthetic data: successors and predecessors of the numbers one to
/// twenty, opposites, and the colours of things; 58 facts in all.
/// </summary>
public static class SyntheticWorld
{
    /// <summary>The relations, in the order their facts are listed.</summary>
    public static IReadOnlyList<string> Relations { get; } = ["after", "before", "opposite", "colour"];

    private static readonly (string Word, string Opposite)[] Opposites =
    [
        ("hot", "cold"), ("big", "small"), ("up", "down"), ("day", "night"), ("fast", "slow"),
        ("open", "closed"), ("wet", "dry"), ("happy", "sad"), ("old", "young"), ("early", "late"),
    ];

    private static readonly (string Thing, string Colour)[] ColoursOfThings =
    [
        ("the sky", "blue"), ("grass", "green"), ("snow", "white"), ("coal", "black"), ("blood", "red"),
        ("a banana", "yellow"), ("the sea", "blue"), ("a leaf", "green"), ("milk", "white"), ("a cherry", "red"),
    ];

    /// <summary>Every fact, grouped by relation in the order of <see cref="Relations"/>.</summary>
    public static IReadOnlyList<TextFact> Facts { get; } = BuildFacts();

    private static TextFact[] BuildFacts()
    {
        var facts = new List<TextFact>();
        for (var number = 1; number < NumberWords.Max; number++)
        {
            var (word, next) = (NumberWords.Of(number), NumberWords.Of(number + 1));
            facts.Add(new TextFact("after", $"after {word} comes {next} .", $"what comes after {word} ?", next));
        }
        for (var number = 2; number <= NumberWords.Max; number++)
        {
            var (word, previous) = (NumberWords.Of(number), NumberWords.Of(number - 1));
            facts.Add(new TextFact("before", $"before {word} comes {previous} .", $"what comes before {word} ?", previous));
        }
        foreach (var (word, opposite) in Opposites)
        {
            facts.Add(new TextFact("opposite", $"the opposite of {word} is {opposite} .", $"what is the opposite of {word} ?", opposite));
        }
        foreach (var (thing, colour) in ColoursOfThings)
        {
            facts.Add(new TextFact("colour", $"the colour of {thing} is {colour} .", $"what is the colour of {thing} ?", colour));
        }
        return [.. facts];
    }
}
