using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

public sealed class LibraryTokenizerTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures");
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ITextTokenizer SentencePiece() => TokenizerLoader.Load(Path.Combine(Fixtures, "sentencepiece", "tokenizer.model"));

    private static ITextTokenizer HuggingFace() => TokenizerLoader.Load(Path.Combine(Fixtures, "huggingface", "tokenizer.json"));

    [Fact]
    public void SentencePiece_model_encodes_like_the_python_library()
    {
        var tokenizer = SentencePiece();

        tokenizer.Should().BeOfType<SentencePieceTextTokenizer>();
        // Ids printed by python3-sentencepiece 0.1.97 for the same strings.
        tokenizer.Encode("what colour is the sky ?").Should().Equal(30, 15, 37, 12, 16, 29, 21, 6, 11, 56, 55, 17);
        tokenizer.Encode(" a  low chord .").Should().Equal(22, 33, 16, 50, 7, 36, 35, 40, 51, 5);
    }

    [Fact]
    public void SentencePiece_placeholders_get_ids_after_the_vocabulary_and_padding_is_the_unknown_token()
    {
        var tokenizer = SentencePiece();

        (tokenizer.VocabularySize, tokenizer.PadId, tokenizer.BosId, tokenizer.EosId).Should().Be((62, 0, 1, 2));
        tokenizer.PlaceholderId("image").Should().Be(60);
        tokenizer.PlaceholderId("audio").Should().Be(61);
        tokenizer.Encode("<image>what colour is the sky ?").Should().Equal([60, 30, 15, 37, 12, 16, 29, 21, 6, 11, 56, 55, 17]);
        tokenizer.Encode("a low chord .<audio>").Should().Equal(22, 33, 16, 50, 7, 36, 35, 40, 51, 5, 61);
    }

    [Fact]
    public void SentencePiece_decode_round_trips_and_skips_special_ids()
    {
        var tokenizer = SentencePiece();
        var ids = tokenizer.Encode("two red circles on the left .");

        tokenizer.Decode(ids).Should().Be("two red circles on the left .");
        tokenizer.Decode([1, 60, .. ids, 2, 0]).Should().Be("two red circles on the left .");
    }

    [Fact]
    public void Tokenizer_json_applies_merges_in_rank_order()
    {
        var tokenizer = HuggingFace();

        tokenizer.Should().BeOfType<HuggingFaceBpeTokenizer>();
        tokenizer.Encode("the cat sat on a red mat .").Should().Equal(18, 21, 23, 27, 28, 3, 12, 7, 6, 25, 3, 15);
        tokenizer.Decode(tokenizer.Encode("the cat sat on a red mat .")).Should().Be("the cat sat on a red mat .");
    }

    [Fact]
    public void Tokenizer_json_maps_placeholders_and_unknown_characters()
    {
        var tokenizer = HuggingFace();

        (tokenizer.VocabularySize, tokenizer.PadId, tokenizer.BosId, tokenizer.EosId).Should().Be((31, 0, 1, 2));
        tokenizer.Encode("<audio>the zebra").Should().Equal(30, 18, 3, 0, 7, 0, 12, 4);
        tokenizer.Encode("<image>\n").Should().HaveElementAt(0, 29);
        tokenizer.Decode([1, 29, 21, 23, 2]).Should().Be("cat sat");
    }

    [Fact]
    public void Metaspace_pre_tokenizer_encodes_like_the_metaspace_normalizer()
    {
        var fixture = File.ReadAllText(Path.Combine(Fixtures, "huggingface", "tokenizer.json"));
        var start = fixture.IndexOf("\"normalizer\"", StringComparison.Ordinal);
        var end = fixture.IndexOf("\"post_processor\"", StringComparison.Ordinal);
        var path = _folder.File("tokenizer.json");
        File.WriteAllText(path, fixture[..start] + """
            "normalizer": null,
            "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true},
            """ + fixture[end..]);

        var tokenizer = TokenizerLoader.Load(path);

        tokenizer.Encode("the cat sat on a red mat .").Should().Equal(18, 21, 23, 27, 28, 3, 12, 7, 6, 25, 3, 15);
        tokenizer.Decode(tokenizer.Encode("the cat sat on a red mat .")).Should().Be("the cat sat on a red mat .");
    }

    [Fact]
    public void Byte_level_tokenizer_json_splits_words_and_appends_a_padding_token()
    {
        var path = _folder.File("tokenizer.json");
        File.WriteAllText(path, """
            {
              "added_tokens": [{"id": 0, "content": "<|endoftext|>", "special": true}],
              "normalizer": null,
              "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
              "model": {"type": "BPE", "vocab": {"<|endoftext|>": 0, "h": 1, "i": 2, "Ġ": 3, "Ġh": 4, "Ġhi": 5, "hi": 6, "!": 7},
                        "merges": [["Ġ", "h"], ["Ġh", "i"], ["h", "i"]]}
            }
            """);

        var tokenizer = TokenizerLoader.Load(path);

        tokenizer.Encode("hi hi!").Should().Equal(6, 5, 7);
        tokenizer.Decode([0, 6, 5, 7, 0]).Should().Be("hi hi!");
        (tokenizer.BosId, tokenizer.EosId, tokenizer.PlaceholderId("image"), tokenizer.PlaceholderId("audio"), tokenizer.PadId, tokenizer.VocabularySize)
            .Should().Be((0, 0, 8, 9, 10, 11));
    }

    [Fact]
    public void Loader_rejects_other_file_names()
    {
        var act = () => TokenizerLoader.Load("models/vocab.txt");

        act.Should().Throw<ArgumentException>().WithMessage(
            "unsupported tokenizer file 'models/vocab.txt': expected tokenizer.model (SentencePiece) or tokenizer.json (Hugging Face)*");
    }

    [Fact]
    public void Unknown_modality_throws_for_library_tokenizers()
    {
        var act = () => HuggingFace().PlaceholderId("video");

        act.Should().Throw<ArgumentException>().WithMessage("unknown modality 'video': expected one of image, audio*");
    }
}
