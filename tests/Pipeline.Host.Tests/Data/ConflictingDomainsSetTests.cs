using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

public sealed class ConflictingDomainsSetTests
{
    private static readonly SyntheticDataOptions Small = new()
    {
        Task = SyntheticTask.ConflictingDomains, PretrainPerCategory = 10, TrainPerCategory = 40, EvalPerCategory = 20,
    };

    private static readonly Lazy<SyntheticSplits> SmallSplits = new(() => SyntheticInstructionSet.Generate(Small));

    [Fact]
    public void Answers_follow_each_domains_convention_by_hand()
    {
        string[] list = ["red", "blue", "red", "green", "red", "yellow"];

        ConflictingDomainsSet.Answer("word", list, "blue").Should().Be("red");
        ConflictingDomainsSet.Answer("count", list, "blue").Should().Be("one");
        ConflictingDomainsSet.Answer("count", list, "red").Should().Be("three");
        ConflictingDomainsSet.Answer("negation", list, "blue").Should().Be("no");
        ConflictingDomainsSet.Answer("negation", ["red", "red", "red", "green", "green", "yellow"], "blue").Should().Be("yes");
        var act = () => ConflictingDomainsSet.Answer("colour", list, "blue");
        act.Should().Throw<ArgumentException>().WithMessage("unknown domain 'colour': expected word, count, negation*");
    }

    [Fact]
    public void Every_sample_is_tagged_with_its_domain_and_answered_by_its_convention()
    {
        var splits = SmallSplits.Value;

        splits.Train.Should().HaveCount(120);
        splits.Eval.Should().HaveCount(60);
        splits.Pretrain.Should().HaveCount(30);
        foreach (var sample in splits.Train.Concat(splits.Eval))
        {
            var (domain, list, asked) = Parse(sample.Turns[0].Value);
            sample.Category.Should().Be(domain);
            sample.Media.Should().BeNull();
            sample.Turns[1].Value.Should().Be(ConflictingDomainsSet.Answer(domain, list, asked));
            list.Count(w => w == asked).Should().BeLessThanOrEqualTo(ConflictingDomainsSet.MaxAskedCount);
        }
        splits.Train[0].Id.Should().Be("synthetic-word-train-00000");
        splits.Train[40].Turns[0].Value.Should().StartWith("count : ");
    }

    [Fact]
    public void Answers_are_balanced_within_each_domain()
    {
        var byDomain = SmallSplits.Value.Train.GroupBy(s => s.Category).ToDictionary(g => g.Key, g => g.GroupBy(s => s.Turns[1].Value).ToDictionary(a => a.Key, a => a.Count()));

        byDomain["word"].Should().BeEquivalentTo(new Dictionary<string, int> { ["red"] = 10, ["green"] = 10, ["blue"] = 10, ["yellow"] = 10 });
        byDomain["count"].Should().BeEquivalentTo(new Dictionary<string, int> { ["zero"] = 10, ["one"] = 10, ["two"] = 10, ["three"] = 10 });
        byDomain["negation"].Should().BeEquivalentTo(new Dictionary<string, int> { ["yes"] = 20, ["no"] = 20 });
    }

    [Fact]
    public void Evaluation_inputs_appear_in_no_training_sample_of_any_domain()
    {
        var splits = SmallSplits.Value;
        var trained = splits.Train.Select(s => Input(s.Turns[0].Value)).ToHashSet();

        splits.Eval.Select(s => Input(s.Turns[0].Value)).Should().NotIntersectWith(trained);
    }

    [Fact]
    public void Pretraining_describes_the_lists_colour_by_colour()
    {
        var sample = SmallSplits.Value.Pretrain[0];
        var list = sample.Turns[0].Value.TrimEnd(' ', '.').Split(' ');

        list.Should().HaveCount(ConflictingDomainsSet.ListLength);
        sample.Turns[1].Value.Should().Be(string.Join(" , ", new[] { "red", "green", "blue", "yellow" }
            .Select(c => $"{c} {NumberWords.Of(list.Count(w => w == c))}")) + " .");
        sample.Category.Should().Be("lists");
    }

    [Fact]
    public void One_domain_alone_gives_that_domains_samples_unchanged()
    {
        var alone = SyntheticInstructionSet.Generate(Small with { Domains = ["count"] });

        alone.Train.Select(s => s.Turns).Should().BeEquivalentTo(SmallSplits.Value.Train.Where(s => s.Category == "count").Select(s => s.Turns),
            o => o.WithStrictOrdering());
        alone.Eval.Should().OnlyContain(s => s.Category == "count");
        alone.Pretrain.Should().HaveCount(10);
    }

    [Fact]
    public void Same_options_give_the_same_samples()
    {
        var again = SyntheticInstructionSet.Generate(Small);

        SyntheticDefaultDataTests.Digest(again).Should().Be(SyntheticDefaultDataTests.Digest(SmallSplits.Value));
        SyntheticDefaultDataTests.Digest(SyntheticInstructionSet.Generate(Small with { Seed = 5 })).Should().NotBe(SyntheticDefaultDataTests.Digest(again));
    }

    private static (string Domain, string[] List, string Asked) Parse(string human)
    {
        // "count : red blue red green red yellow . what about blue ?"
        var parts = human.Split(" : ");
        var body = parts[1].Split(" . what about ");
        return (parts[0], body[0].Split(' '), body[1].TrimEnd(' ', '?'));
    }

    private static string Input(string human) => human[(human.IndexOf(" : ", StringComparison.Ordinal) + 3)..];
}
