namespace Pipeline.Host.Data;

/// <summary>
/// Generates the <c>conflicting_domains</c> task: text-only instruction domains that ask the same kind of input in
/// conflicting answer conventions. An input is a list of six colour words and an asked colour,
/// <c>count : red blue red green red yellow . what about blue ?</c>; the domain tag before the colon is the only
/// thing that says which convention applies:
/// <list type="bullet">
/// <item><c>word</c>: the colour the list holds most often (<c>red</c>);</item>
/// <item><c>count</c>: how many times the asked colour occurs (<c>one</c>; zero to three);</item>
/// <item><c>negation</c>: whether the asked colour is missing (<c>no</c>; <c>yes</c> when it is absent).</item>
/// </list>
/// Every domain draws its inputs from the same distribution (six words from four colours with a single most frequent
/// colour, an asked colour occurring at most three times), so one input has three different right answers, one per
/// domain. Answers are balanced within each domain (guessing scores 1/4, 1/4 and 1/2). The pretraining split
/// describes lists (<c>red three , green one , blue one , yellow one .</c>), so a base model learns to read them
/// before any domain is instructed. Evaluation inputs (list and asked colour) appear in no training sample of any
/// domain. Everything derives from <see cref="SyntheticDataOptions.Seed"/>.
/// </summary>
public static class ConflictingDomainsSet
{
    /// <summary>Words per list.</summary>
    public const int ListLength = 6;

    /// <summary>The most times the asked colour occurs.</summary>
    public const int MaxAskedCount = 3;

    private static IReadOnlyList<string> Colours => ImageScene.Colours;

    /// <summary>Generates the pretraining, training and evaluation splits for the options' domains.</summary>
    /// <exception cref="ArgumentException">The options are not for this task or are invalid.</exception>
    public static SyntheticSplits Generate(SyntheticDataOptions options)
    {
        if (options.Task != SyntheticTask.ConflictingDomains)
            throw new ArgumentException($"task is {options.Task}, not conflicting_domains", nameof(options));
        SyntheticInstructionSet.ThrowIfInvalid(options);
        var domains = ConflictDomain.All.Where(options.EffectiveCategories.Contains).ToList();

        var pretrain = new List<Sample>();
        var random = new Random(SyntheticInstructionSet.DeriveSeed(options.Seed, 11));
        for (var i = 0; i < options.PretrainPerCategory * domains.Count; i++)
        {
            var list = DrawList(random);
            pretrain.Add(SyntheticInstructionSet.TextInstruction($"synthetic-lists-pretrain-{i:D5}", "lists", $"{string.Join(" ", list)} .", Describe(list)));
        }

        var trainInputs = new HashSet<string>(StringComparer.Ordinal);
        var train = Split("train", options.TrainPerCategory, domains, options.Seed, 12, trainInputs, avoid: null);
        var eval = Split("eval", options.EvalPerCategory, domains, options.Seed, 16, [], avoid: trainInputs);
        return new SyntheticSplits(pretrain, train, eval);
    }

    /// <summary>The right answer to <paramref name="list"/> and <paramref name="asked"/> in <paramref name="domain"/>.</summary>
    /// <exception cref="ArgumentException">The domain is unknown.</exception>
    public static string Answer(string domain, IReadOnlyList<string> list, string asked) => domain switch
    {
        ConflictDomain.Word => MostFrequent(list) ?? throw new ArgumentException("the list has no single most frequent colour", nameof(list)),
        ConflictDomain.Count => NumberWords.Of(list.Count(w => w == asked)),
        ConflictDomain.Negation => list.Contains(asked) ? "no" : "yes",
        _ => throw new ArgumentException($"unknown domain '{domain}': expected {string.Join(", ", ConflictDomain.All)}", nameof(domain)),
    };

    private static List<Sample> Split(string split, int perDomain, IReadOnlyList<string> domains, int seed, int firstStream,
        HashSet<string> seen, HashSet<string>? avoid)
    {
        var samples = new List<Sample>();
        foreach (var domain in domains)
        {
            var random = new Random(SyntheticInstructionSet.DeriveSeed(seed, firstStream + ConflictDomain.All.ToList().IndexOf(domain)));
            var answers = AnswersOf(domain);
            for (var i = 0; i < perDomain; i++)
            {
                var wanted = answers[i % answers.Count];
                while (true)
                {
                    var list = DrawList(random);
                    var asked = Colours[random.Next(Colours.Count)];
                    if (list.Count(w => w == asked) > MaxAskedCount || Answer(domain, list, asked) != wanted) continue;
                    var input = $"{string.Join(" ", list)} . what about {asked} ?";
                    if (avoid is not null && avoid.Contains(input)) continue;
                    seen.Add(input);
                    samples.Add(SyntheticInstructionSet.TextInstruction($"synthetic-{domain}-{split}-{i:D5}", domain, $"{domain} : {input}", wanted));
                    break;
                }
            }
        }
        return samples;
    }

    private static IReadOnlyList<string> AnswersOf(string domain) => domain switch
    {
        ConflictDomain.Word => Colours,
        ConflictDomain.Count => [.. Enumerable.Range(0, MaxAskedCount + 1).Select(NumberWords.Of)],
        _ => ["yes", "no"],
    };

    /// <summary>Six colour words with a single most frequent colour.</summary>
    private static string[] DrawList(Random random)
    {
        while (true)
        {
            var list = new string[ListLength];
            for (var i = 0; i < list.Length; i++) list[i] = Colours[random.Next(Colours.Count)];
            if (MostFrequent(list) is not null) return list;
        }
    }

    private static string? MostFrequent(IReadOnlyList<string> list)
    {
        var counts = Colours.Select(c => (Colour: c, Count: list.Count(w => w == c))).OrderByDescending(c => c.Count).ToList();
        return counts[0].Count > counts[1].Count ? counts[0].Colour : null;
    }

    private static string Describe(IReadOnlyList<string> list) =>
        string.Join(" , ", Colours.Select(c => $"{c} {NumberWords.Of(list.Count(w => w == c))}")) + " .";
}
