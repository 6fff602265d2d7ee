using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Data.Templates;

public sealed class TemplateVocabularyTests
{
    public static TheoryData<ConversationTemplateName> Formats =>
        [ConversationTemplateName.LlavaV1, ConversationTemplateName.Llama2, ConversationTemplateName.Llama3, ConversationTemplateName.Chatml];

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_word_vocabulary_built_from_the_data_and_the_templates_texts_knows_every_word(ConversationTemplateName name)
    {
        var template = ConversationTemplates.For(name);
        var tokenizer = WordTokenizer.Build(TwoRoundConversation.Texts.Concat(template.FixedTexts(TwoRoundConversation.SystemPrompt)));

        var ids = new ConversationTokenizer(tokenizer, template, TwoRoundConversation.SystemPrompt).Tokenize(TwoRoundConversation.Turns).Ids;

        ids.Should().NotContain(tokenizer.UnkId);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_word_vocabulary_built_from_the_data_alone_misses_the_templates_words(ConversationTemplateName name)
    {
        var template = ConversationTemplates.For(name);
        var tokenizer = WordTokenizer.Build(TwoRoundConversation.Texts);

        var ids = new ConversationTokenizer(tokenizer, template, TwoRoundConversation.SystemPrompt).Tokenize(TwoRoundConversation.Turns).Ids;

        ids.Should().Contain(tokenizer.UnkId);
    }

    [Fact]
    public void Chatml_markers_are_single_words_of_the_vocabulary()
    {
        var template = new ChatMlTemplate();
        var tokenizer = WordTokenizer.Build(TwoRoundConversation.Texts.Concat(template.FixedTexts(TwoRoundConversation.SystemPrompt)));

        tokenizer.Tokens.Should().Contain(["<|im_start|>", "<|im_end|>", "system", "user", "assistant"]);
    }

    [Fact]
    public void Plain_adds_no_words_so_vocabularies_stay_as_before()
    {
        new PlainTemplate().FixedTexts().Should().BeEmpty();
    }

    [Fact]
    public void The_data_factory_builds_the_vocabulary_with_the_configured_templates_words()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["data.template=llava_v1"]);

        var data = DataFactory.Read(definition);

        var tokenizer = data.Tokenizer.Should().BeOfType<WordTokenizer>().Subject;
        tokenizer.Tokens.Should().Contain(["assistant", "user", "curious", "polite"]);
        var conversations = ConversationTokenizer.For(tokenizer, definition.Config.Data);
        data.Sources.SelectMany(s => s.Samples()).Should().OnlyContain(sample => !conversations.Tokenize(sample.Turns).Ids.Contains(tokenizer.UnkId));
    }
}
