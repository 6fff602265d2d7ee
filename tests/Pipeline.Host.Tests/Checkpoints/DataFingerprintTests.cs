using Pipeline.Host.Checkpoints;
using Pipeline.Host.Data;
using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>What a data fingerprint tells apart, and the phrases a refused resume is built from.</summary>
public sealed class DataFingerprintTests
{
    private static TokenizedSample Sample(string id, int[] ids, bool[]? supervised = null) =>
        new(id, "text", null, null, ids, supervised ?? ids.Select(_ => false).ToArray());

    private static readonly TokenizedSample[] Samples = [Sample("a", [1, 7, 8, 2]), Sample("b", [1, 9, 2], [false, true, true])];

    private static DataFingerprint Fingerprint(int vocabulary, int pretrain, int train, int eval, string trainHash = "t") => new()
    {
        VocabularySize = vocabulary,
        Splits = new Dictionary<string, SplitFingerprint>
        {
            ["pretrain"] = new() { Samples = pretrain, Sha256 = "p" },
            ["train"] = new() { Samples = train, Sha256 = trainHash },
            ["eval"] = new() { Samples = eval, Sha256 = "e" },
        },
    };

    [Fact]
    public void An_empty_split_hashes_nothing()
    {
        var fingerprint = SplitFingerprint.Of([]);

        fingerprint.Samples.Should().Be(0);
        fingerprint.Sha256.Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    [Fact]
    public void The_same_samples_give_the_same_fingerprint_and_any_change_another()
    {
        var original = SplitFingerprint.Of(Samples);

        SplitFingerprint.Of(Samples.Select(s => s with { })).Should().Be(original);
        SplitFingerprint.Of([Samples[1], Samples[0]]).Sha256.Should().NotBe(original.Sha256, "the order is part of the data");
        SplitFingerprint.Of([Samples[0] with { Id = "c" }, Samples[1]]).Sha256.Should().NotBe(original.Sha256);
        SplitFingerprint.Of([Samples[0], Sample("b", [1, 9, 2], [false, false, true])]).Sha256.Should().NotBe(original.Sha256, "supervision is part of a sample");
        SplitFingerprint.Of([Samples[0], Sample("b", [1, 9, 3], [false, true, true])]).Sha256.Should().NotBe(original.Sha256);
        // The same bytes split differently between the id and the category are other samples.
        SplitFingerprint.Of([Samples[0] with { Id = "at", Category = "ext" }, Samples[1]]).Sha256.Should().NotBe(original.Sha256);
    }

    [Fact]
    public void A_word_tokenizer_vocabulary_is_hashed_so_other_words_of_the_same_count_are_seen()
    {
        using var splits = new DataSplits(Samples, Samples, Samples);
        var before = DataFingerprint.Of(splits, WordTokenizer.Build(["red green"]));
        var after = DataFingerprint.Of(splits, WordTokenizer.Build(["red blue"]));

        after.DifferencesFrom(before).Should().Equal("vocabulary: 8 tokens, as at the checkpoint, but other words");
        before.DifferencesFrom(before).Should().BeEmpty();
    }

    [Fact]
    public void Counts_are_listed_per_split_after_the_vocabulary()
    {
        var checkpoint = Fingerprint(vocabulary: 19, pretrain: 3, train: 3, eval: 3);
        var now = Fingerprint(vocabulary: 21, pretrain: 3, train: 4, eval: 1) with
        {
            Splits = new Dictionary<string, SplitFingerprint>
            {
                ["pretrain"] = new() { Samples = 3, Sha256 = "changed" }, ["train"] = new() { Samples = 4, Sha256 = "t2" }, ["eval"] = new() { Samples = 1, Sha256 = "e2" },
            },
        };

        now.DifferencesFrom(checkpoint).Should().Equal(
            "vocabulary: 19 tokens at the checkpoint, 21 now", "split 'train': 3 samples at the checkpoint, 4 now", "split 'eval': 3 samples at the checkpoint, 1 now");
    }

    [Fact]
    public void A_split_of_the_same_count_with_other_content_is_named_when_the_vocabulary_is_the_same()
    {
        var checkpoint = Fingerprint(vocabulary: 19, pretrain: 1, train: 3, eval: 3);

        Fingerprint(vocabulary: 19, pretrain: 1, train: 3, eval: 3, trainHash: "other").DifferencesFrom(checkpoint).Should().Equal(
            "split 'train': 3 samples, as at the checkpoint, but other ones (a sample's id, text, tokens or media file name changed, or their order)");
        Fingerprint(vocabulary: 19, pretrain: 0, train: 3, eval: 3).DifferencesFrom(checkpoint).Should().Equal("split 'pretrain': 1 sample at the checkpoint, 0 now");
    }
}
