using System.Text.Json;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>A pipeline on LLaVA-style conversation files the test writes: PNG and JPEG images, a WAV clip and text-only items.</summary>
public sealed class LlavaJsonTrainingTests
{
    [Fact]
    public void Conversation_files_with_images_audio_and_text_train_with_accumulation_and_evaluate()
    {
        string yaml = TinyPipeline.Yaml
            .Replace("  synthetic: { seed: 5, pretrain_per_category: 40, train_per_category: 40, eval_per_category: 10 }",
                     "  source: llava_json\n  llava: { train: data/train.json, eval: data/eval.json, pretrain: data/train.json }")
            .Replace("    steps: 10\n", "    steps: 3\n    gradient_accumulation: 2\n")
            .Replace("    steps: 30\n", "    steps: 4\n");
        using var pipeline = new TinyPipeline(yaml);
        string data = Path.Combine(pipeline.Directory, "data");
        Directory.CreateDirectory(data);
        var random = new Random(3);
        ImageFileEncoder.WritePng(Path.Combine(data, "red.png"), Image(random));
        ImageFileEncoder.WriteJpeg(Path.Combine(data, "blue.jpg"), Image(random));
        WavFileWriter.Write(Path.Combine(data, "beep.wav"), Enumerable.Range(0, 8000).Select(i => (float)(0.3 * Math.Sin(i * 0.2))).ToArray(), 16000);
        var items = new object[]
        {
            new { id = "img-1", image = "red.png", conversations = Turns("<image>\nwhat colour is it ?", "red") },
            new { id = "img-2", image = "blue.jpg", conversations = Turns("<image>\nwhat colour is it ?", "blue") },
            new { id = "aud-1", audio = "beep.wav", conversations = Turns("<audio>\nhow many beeps ?", "one") },
            new { id = "txt-1", conversations = Turns("what comes after one ?", "two") },
        };
        File.WriteAllText(Path.Combine(data, "train.json"), JsonSerializer.Serialize(items));
        File.WriteAllText(Path.Combine(data, "eval.json"), JsonSerializer.Serialize(items.Take(3)));

        var result = PipelineRunner.Train(PipelineLoader.Load(pipeline.ConfigPath), _ => { });

        result.Stages.Select(s => s.Steps).Should().Equal(4, 3);
        result.Stages.Should().OnlyContain(s => double.IsFinite(s.FinalLoss));
        result.Stages[1].Evaluation!.Samples.Should().Be(3);
        result.Stages[1].Evaluation!.AccuracyByCategory.Keys.Should().BeEquivalentTo("image", "audio");
    }

    private static object[] Turns(string question, string answer) =>
        [new { from = "human", value = question }, new { from = "gpt", value = answer }];

    private static ImageItem Image(Random random) =>
        new("test", Enumerable.Range(0, 3 * 20 * 24).Select(_ => (float)random.NextDouble()).ToArray(), 20, 24);
}
