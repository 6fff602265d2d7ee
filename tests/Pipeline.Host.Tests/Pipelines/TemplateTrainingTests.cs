using Pipeline.Host.Data.Templates;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Data.Templates;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>A pipeline on LLaVA-style files with <c>template: llava_v1</c> and a <c>tokenizer.json</c>, trained end to end.</summary>
public sealed class TemplateTrainingTests
{
    [Fact]
    public void Llava_v1_with_a_tokenizer_file_trains_and_evaluates()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        string tokenizerPath = Path.Combine(data.DataDirectory, "tokenizer.json");
        CharacterTokenizerJson.Write(tokenizerPath, ["<unk>", "<s>", "</s>"],
            "Answer briefly. USER: ASSISTANT: what colour is it ? how many beeps ? what comes after one ? red one two");
        var definition = PipelineLoader.Load(data.ConfigPath,
        [
            "data.template=llava_v1", "data.system_prompt=Answer briefly.", "data.llava.tokenizer=data/tokenizer.json",
            "model.llm.max_sequence_length=96",
        ]);
        var loaded = DataFactory.Read(definition);
        var tokenizer = loaded.Tokenizer;
        var conversations = ConversationTokenizer.For(tokenizer, definition.Config.Data);
        var textTurns = loaded.Sources[2].Samples().Single(s => s.Category == "text").Turns;

        var result = PipelineRunner.Train(definition, _ => { });

        conversations.Render(textTurns).Text.Should().Be("<s>Answer briefly. USER: what comes after one ? ASSISTANT: two</s>");
        conversations.Tokenize(textTurns).Ids.Should().StartWith([tokenizer.BosId]).And.EndWith([tokenizer.EosId]);
        result.Stages.Should().OnlyContain(s => double.IsFinite(s.FinalLoss));
        result.Stages[1].Evaluation!.Samples.Should().Be(3);
    }
}
