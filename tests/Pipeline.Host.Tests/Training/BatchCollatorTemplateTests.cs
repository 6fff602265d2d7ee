using Pipeline.Host.Data;
using Pipeline.Host.Data.Templates;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

public sealed class BatchCollatorTemplateTests
{
    /// <summary>The collator's tokens before templates existed: BOS, each turn's ids expanded, EOS after each answer.</summary>
    private static (List<long> Ids, List<bool> Supervised) TokensBeforeTemplates(ITextTokenizer tokenizer, Sample sample, Func<int, int> repeat)
    {
        var ids = new List<long> { tokenizer.BosId };
        var supervised = new List<bool> { false };
        foreach (var turn in sample.Turns)
        {
            bool answer = turn.From == "gpt";
            foreach (int id in tokenizer.Encode(turn.Value))
            {
                for (int r = 0; r < repeat(id); r++) { ids.Add(id); supervised.Add(answer); }
            }
            if (answer) { ids.Add(tokenizer.EosId); supervised.Add(true); }
        }
        return (ids, supervised);
    }

    private static Func<int, int> MediaTokens(ITextTokenizer tokenizer, BuiltModel built) => id =>
        id == tokenizer.PlaceholderId("image") ? built.Model.EncoderFor("image")!.Value.Encoder.TokenCount
        : id == tokenizer.PlaceholderId("audio") ? built.Model.EncoderFor("audio")!.Value.Encoder.TokenCount
        : 1;

    [Fact]
    public void The_default_plain_template_keeps_every_samples_tokens_as_they_were()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var collator = new BatchCollator(tokenizer, built.Model, 48, ConversationTokenizer.For(tokenizer, definition.Config.Data));

        foreach (var sample in splits.All)
        {
            var (ids, supervised) = collator.TokenizeAnyLength(sample);
            var before = TokensBeforeTemplates(tokenizer, sample, MediaTokens(tokenizer, built));
            ids.Should().Equal(before.Ids, sample.Id);
            supervised.Should().Equal(before.Supervised, sample.Id);
        }
    }

    [Fact]
    public void A_template_keeps_placeholders_expanded_to_the_encoders_token_count()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath, ["data.template=chatml", "model.llm.max_sequence_length=96"]);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var conversations = ConversationTokenizer.For(tokenizer, definition.Config.Data);
        var collator = new BatchCollator(tokenizer, built.Model, 96, conversations);
        var sample = splits.Train.First(s => s.Category == "image");
        int imageTokens = built.Model.EncoderFor("image")!.Value.Encoder.TokenCount;

        var (ids, supervised) = collator.TokenizeAnyLength(sample);

        var conversation = conversations.Tokenize(sample.Turns);
        int at = Array.IndexOf(conversation.Ids, tokenizer.PlaceholderId("image"));
        ids.Should().HaveCount(conversation.Ids.Length - 1 + imageTokens);
        ids.Skip(at).Take(imageTokens).Should().OnlyContain(id => id == tokenizer.PlaceholderId("image"));
        ids.Skip(at + imageTokens).Should().Equal(conversation.Ids.Skip(at + 1).Select(id => (long)id));
        supervised.Should().Equal([.. conversation.Supervised[..at], .. Enumerable.Repeat(false, imageTokens), .. conversation.Supervised[(at + 1)..]]);
    }
}
