using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;

namespace Pipeline.Host.Tests.Data.Templates;

public sealed class ConversationTokenizerTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures");
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A piece of the reference text: a prompt piece or an answer piece (answer text or its end marker).</summary>
    private sealed record Piece(string Text, bool Answer);

    private static Piece P(string text) => new(text, false);

    private static Piece A(string text) => new(text, true);

    /// <summary>
    /// Per template: the added tokens of its test tokenizer (ids 0, 1, ... in this order) and the reference text cut
    /// where the format has a control token and where supervision changes, written out by hand.
    /// </summary>
    private static (string[] AddedTokens, Piece[] Pieces) Reference(ConversationTemplateName name) => name switch
    {
        ConversationTemplateName.LlavaV1 => (["<unk>", "<s>", "</s>"],
        [
            P("<s>"), P("You describe pictures. USER: <image>\nWhat is in the picture? ASSISTANT: "), A("A red circle."), A("</s>"),
            P("USER: How many are there? ASSISTANT: "), A("One."), A("</s>"),
        ]),
        ConversationTemplateName.Llama2 => (["<unk>", "<s>", "</s>"],
        [
            P("<s>"), P("[INST] <<SYS>>\nYou describe pictures.\n<</SYS>>\n\n<image>\nWhat is in the picture? [/INST] "),
            A("A red circle. "), A("</s>"),
            P("<s>"), P("[INST] How many are there? [/INST] "), A("One. "), A("</s>"),
        ]),
        ConversationTemplateName.Llama3 => (["<unk>", "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        [
            P("<|begin_of_text|>"),
            P("<|start_header_id|>"), P("system"), P("<|end_header_id|>"), P("\n\nYou describe pictures."), P("<|eot_id|>"),
            P("<|start_header_id|>"), P("user"), P("<|end_header_id|>"), P("\n\n<image>\nWhat is in the picture?"), P("<|eot_id|>"),
            P("<|start_header_id|>"), P("assistant"), P("<|end_header_id|>"), P("\n\n"), A("A red circle."), A("<|eot_id|>"),
            P("<|start_header_id|>"), P("user"), P("<|end_header_id|>"), P("\n\nHow many are there?"), P("<|eot_id|>"),
            P("<|start_header_id|>"), P("assistant"), P("<|end_header_id|>"), P("\n\n"), A("One."), A("<|eot_id|>"),
        ]),
        _ => (["<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        [
            P("<|im_start|>"), P("system\nYou describe pictures."), P("<|im_end|>"), P("\n"),
            P("<|im_start|>"), P("user\n<image>\nWhat is in the picture?"), P("<|im_end|>"), P("\n"),
            P("<|im_start|>"), P("assistant\n"), A("A red circle."), A("<|im_end|>"), P("\n"),
            P("<|im_start|>"), P("user\nHow many are there?"), P("<|im_end|>"), P("\n"),
            P("<|im_start|>"), P("assistant\n"), A("One."), A("<|im_end|>"), P("\n"),
        ]),
    };

    public static TheoryData<ConversationTemplateName> Formats =>
        [ConversationTemplateName.LlavaV1, ConversationTemplateName.Llama2, ConversationTemplateName.Llama3, ConversationTemplateName.Chatml];

    private ITextTokenizer CharacterTokenizer(string[] addedTokens, string corpus)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N"), "tokenizer.json");
        CharacterTokenizerJson.Write(path, addedTokens, corpus);
        return TokenizerLoader.Load(path);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Ids_are_the_tokenizers_encoding_of_the_reference_pieces_with_markers_as_single_ids(ConversationTemplateName name)
    {
        var (added, pieces) = Reference(name);
        var reference = string.Concat(pieces.Select(p => p.Text));
        var tokenizer = CharacterTokenizer(added, reference);
        var conversations = new ConversationTokenizer(tokenizer, ConversationTemplates.For(name), TwoRoundConversation.SystemPrompt);

        var tokenized = conversations.Tokenize(TwoRoundConversation.Turns);

        conversations.Render(TwoRoundConversation.Turns).Text.Should().Be(reference);
        var expected = pieces.SelectMany(p => Array.IndexOf(added, p.Text) is var id and >= 0 ? [id] : tokenizer.Encode(p.Text).ToArray()).ToList();
        tokenized.Ids.Should().Equal(expected);
        tokenized.Ids.Count(id => id == tokenizer.PlaceholderId("image")).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Exactly_the_answers_and_their_end_markers_are_supervised(ConversationTemplateName name)
    {
        var (added, pieces) = Reference(name);
        var tokenizer = CharacterTokenizer(added, string.Concat(pieces.Select(p => p.Text)));
        var conversations = new ConversationTokenizer(tokenizer, ConversationTemplates.For(name), TwoRoundConversation.SystemPrompt);

        var tokenized = conversations.Tokenize(TwoRoundConversation.Turns);

        var expected = pieces.SelectMany(p => Enumerable.Repeat(p.Answer, Array.IndexOf(added, p.Text) >= 0 ? 1 : tokenizer.Encode(p.Text).Count));
        tokenized.Supervised.Should().Equal(expected);
        var endMarker = pieces.Last(p => p.Answer).Text;
        tokenized.Ids.Where((_, i) => tokenized.Supervised[i]).Count(id => id == Array.IndexOf(added, endMarker)).Should().Be(2);
        var answers = tokenizer.Decode(tokenized.Ids.Where((_, i) => tokenized.Supervised[i]));
        answers.Should().Be(name == ConversationTemplateName.Llama2 ? "A red circle.  One. " : "A red circle. One.");
    }

    [Fact]
    public void Plain_gives_todays_ids_bos_turns_and_an_eos_after_each_answer()
    {
        ConversationTurn[] turns =
        [
            new(ConversationTurn.Human, "<image>\nwhat colour is it?"), new(ConversationTurn.Assistant, "red."),
            new(ConversationTurn.Human, "and now?"), new(ConversationTurn.Assistant, "blue."),
        ];
        // Words in ordinal order after the six special tokens: . ? and blue colour is it now red what = 6..15.
        var tokenizer = WordTokenizer.Build(turns.Select(t => t.Value));

        var tokenized = new ConversationTokenizer(tokenizer, new PlainTemplate()).Tokenize(turns);

        tokenized.Ids.Should().Equal(1, 4, 15, 10, 11, 12, 7, 14, 6, 2, 8, 13, 7, 9, 6, 2);
        tokenized.Supervised.Should().Equal(false, false, false, false, false, false, false, true, true, true, false, false, false, true, true, true);
    }

    [Fact]
    public void A_sentencepiece_model_spells_bos_and_eos_as_its_own_pieces()
    {
        var tokenizer = TokenizerLoader.Load(Path.Combine(Fixtures, "sentencepiece", "tokenizer.model"));

        (tokenizer.ControlTokenId("<s>"), tokenizer.ControlTokenId("</s>"), tokenizer.ControlTokenId("<|im_start|>"))
            .Should().Be((1, 2, null));
    }

    [Fact]
    public void Llama2_over_a_sentencepiece_model_starts_every_round_with_bos_and_ends_every_answer_with_eos()
    {
        var tokenizer = TokenizerLoader.Load(Path.Combine(Fixtures, "sentencepiece", "tokenizer.model"));
        var conversations = new ConversationTokenizer(tokenizer, new Llama2Template(), TwoRoundConversation.SystemPrompt);

        var tokenized = conversations.Tokenize(TwoRoundConversation.Turns);

        var secondRound = tokenizer.Encode("[INST] How many are there? [/INST] ").ToArray();
        var ending = (int[])[.. tokenizer.Encode("One. "), 2];
        tokenized.Ids[0].Should().Be(1);
        tokenized.Ids[^(ending.Length + secondRound.Length + 2)..].Should().Equal([2, 1, .. secondRound, .. ending]);
        tokenized.Supervised[^(ending.Length + secondRound.Length + 2)..].Should().Equal(
            [true, false, .. secondRound.Select(_ => false), .. ending.Select(_ => true)]);
    }

    [Fact]
    public void A_marker_the_tokenizer_lacks_is_encoded_as_text()
    {
        var tokenizer = TokenizerLoader.Load(Path.Combine(Fixtures, "huggingface", "tokenizer.json"));
        ConversationTurn[] turns = [new(ConversationTurn.Human, "a cat"), new(ConversationTurn.Assistant, "the mat")];

        var tokenized = new ConversationTokenizer(tokenizer, new ChatMlTemplate()).Tokenize(turns);

        tokenizer.ControlTokenId("<|im_start|>").Should().BeNull();
        var start = tokenizer.Encode("<|im_start|>");
        start.Count.Should().BeGreaterThan(1);
        tokenized.Ids.Take(start.Count).Should().Equal(start);
    }

    [Fact]
    public void A_system_prompt_for_plain_is_refused()
    {
        var act = () => new ConversationTokenizer(WordTokenizer.Build(["a"]), new PlainTemplate(), "Be brief.");

        act.Should().Throw<ArgumentException>().WithMessage("the plain template has no system prompt*");
    }
}
