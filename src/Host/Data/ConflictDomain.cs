namespace Pipeline.Host.Data;

/// <summary>The answer conventions of <see cref="SyntheticTask.ConflictingDomains"/>, by their YAML and category names.</summary>
public static class ConflictDomain
{
    /// <summary>Answers with the colour the list holds most often.</summary>
    public const string Word = "word";

    /// <summary>Answers with how many times the asked colour occurs, <c>zero</c> to <c>three</c>.</summary>
    public const string Count = "count";

    /// <summary>Answers whether the asked colour is missing from the list: <c>yes</c> when it is absent, <c>no</c> when present.</summary>
    public const string Negation = "negation";

    /// <summary>Every domain, in generation order.</summary>
    public static IReadOnlyList<string> All { get; } = [Word, Count, Negation];
}
