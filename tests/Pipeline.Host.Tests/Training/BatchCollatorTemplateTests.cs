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

    /// <summary>The single row of a one-sample batch: ids and, per position, whether the next token is supervised.</summary>
    private static (List<long> Ids, List<bool> Supervised) Row(BatchCollator collator, TokenizedSample sample)
    {
        var batch = collator.Prepare([sample]);
        // Labels hold the next token where it is supervised; the first token (BOS) is never supervised.
        var supervised = new List<bool> { false };
        supervised.AddRange(batch.Labels.Take(batch.Length - 1).Select(label => label != BatchCollator.IgnoredLabel));
        return (batch.Ids.ToList(), supervised);
    }

    [Fact]
    public void The_default_plain_template_keeps_every_samples_tokens_as_they_were()
    {
        using var pipeline = new TinyPipeline();
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var data = DataFactory.Read(definition);
        var tokenizer = data.Tokenizer;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var collator = new BatchCollator(tokenizer, built.Model, 48);
        var samples = SampleTokenizer.For(tokenizer, definition.Config.Data);

        foreach (var sample in data.Sources.SelectMany(s => s.Samples()))
        {
            var (ids, supervised) = Row(collator, samples.Tokenize(sample));
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
        var data = DataFactory.Read(definition);
        var tokenizer = data.Tokenizer;
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var conversations = ConversationTokenizer.For(tokenizer, definition.Config.Data);
        var collator = new BatchCollator(tokenizer, built.Model, 96);
        var sample = data.Sources[1].Samples().First(s => s.Category == "image");
        int imageTokens = built.Model.EncoderFor("image")!.Value.Encoder.TokenCount;

        var (ids, supervised) = Row(collator, new SampleTokenizer(conversations).Tokenize(sample));

        var conversation = conversations.Tokenize(sample.Turns);
        int at = Array.IndexOf(conversation.Ids, tokenizer.PlaceholderId("image"));
        ids.Should().HaveCount(conversation.Ids.Length - 1 + imageTokens);
        ids.Skip(at).Take(imageTokens).Should().OnlyContain(id => id == tokenizer.PlaceholderId("image"));
        ids.Skip(at + imageTokens).Should().Equal(conversation.Ids.Skip(at + 1).Select(id => (long)id));
        supervised.Should().Equal([.. conversation.Supervised[..at], .. Enumerable.Repeat(false, imageTokens), .. conversation.Supervised[(at + 1)..]]);
    }
}
