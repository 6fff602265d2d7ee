using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

public sealed class WordTokenizerTests
{
    private static WordTokenizer SmallTokenizer() =>
        WordTokenizer.Build(["The sky is blue.", "<image>\nwhat shape?"]);

    [Fact]
    public void Build_puts_special_tokens_first_then_words_in_ordinal_order()
    {
        SmallTokenizer().Tokens.Should().Equal(
            "<pad>", "<bos>", "<eos>", "<unk>", "<image>", "<audio>", ".", "?", "blue", "is", "shape", "sky", "the", "what");
    }

    [Fact]
    public void Encode_gives_exact_ids_with_placeholders_punctuation_and_unknown_words()
    {
        var tokenizer = SmallTokenizer();

        tokenizer.Encode("<image>\nWhat shape is the sky?").Should().Equal(4, 13, 10, 9, 12, 11, 7);
        tokenizer.Encode("<audio>a purple sky").Should().Equal(5, 3, 3, 11);
        tokenizer.Encode("").Should().BeEmpty();
    }

    [Fact]
    public void Decode_skips_special_tokens_and_joins_words_with_single_spaces()
    {
        SmallTokenizer().Decode([1, 4, 13, 10, 7, 3, 2, 0, 0]).Should().Be("what shape ?");
    }

    [Fact]
    public void Special_ids_and_vocabulary_size_are_fixed()
    {
        var tokenizer = SmallTokenizer();

        (tokenizer.PadId, tokenizer.BosId, tokenizer.EosId, tokenizer.UnkId).Should().Be((0, 1, 2, 3));
        tokenizer.PlaceholderId("image").Should().Be(4);
        tokenizer.PlaceholderId("audio").Should().Be(5);
        tokenizer.VocabularySize.Should().Be(14);
    }

    [Fact]
    public void PlaceholderId_of_unknown_modality_throws()
    {
        var act = () => SmallTokenizer().PlaceholderId("video");

        act.Should().Throw<ArgumentException>().WithMessage("unknown modality 'video': expected one of image, audio*");
    }

    [Fact]
    public void Build_does_not_depend_on_the_order_of_the_texts()
    {
        WordTokenizer.Build(["b a", "c"]).Tokens.Should().Equal(WordTokenizer.Build(["c", "a b", "b"]).Tokens);
    }

    [Fact]
    public void Save_and_Load_round_trip_the_vocabulary()
    {
        var path = Path.Combine(Path.GetTempPath(), $"word-tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            var tokenizer = SmallTokenizer();
            tokenizer.Save(path);

            var loaded = WordTokenizer.Load(path);

            loaded.Tokens.Should().Equal(tokenizer.Tokens);
            loaded.Encode("what is the sky ?").Should().Equal(tokenizer.Encode("what is the sky ?"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_rejects_a_file_without_the_special_tokens_first()
    {
        var path = Path.Combine(Path.GetTempPath(), $"word-tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, """{"format": "pipeline-word-tokenizer", "tokens": ["<pad>", "sky"]}""");

            var act = () => WordTokenizer.Load(path);

            act.Should().Throw<InvalidDataException>().WithMessage(
                $"word tokenizer file '{path}' must start with the special tokens <pad> <bos> <eos> <unk> <image> <audio>");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
