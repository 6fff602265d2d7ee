using Pipeline.Contracts.Media;
using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

public sealed class LlavaConversationDatasetTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Loads_png_jpeg_wav_and_text_samples_with_their_turns()
    {
        var png = ShapeRenderer.Render(new ImageScene("circle", "red", 2, "left"), new Random(1), 32, "png");
        ImageFileEncoder.WritePng(_folder.File("media", "shapes.png"), png);
        var jpeg = new ImageItem("jpeg", Enumerable.Repeat(0.6f, 3 * 8 * 12).ToArray(), 8, 12);
        ImageFileEncoder.WriteJpeg(_folder.File("media", "grey.jpg"), jpeg);
        var audio = ToneSynthesizer.Render(new ToneClip(2, "high", "note"), new Random(2), 16000, 0.25, "wav");
        WavFileWriter.Write(_folder.File("media", "beeps.wav"), audio.Samples, 16000);
        var json = WriteJson("""
            [
              {"id": "p1", "image": "media/shapes.png", "conversations": [
                {"from": "human", "value": "<image>\nwhat shape is in the image ?"}, {"from": "gpt", "value": "circle"},
                {"from": "human", "value": "what colour ?"}, {"from": "gpt", "value": "red"}]},
              {"id": "j1", "image": "media/grey.jpg", "conversations": [
                {"from": "human", "value": "<image>\ndescribe"}, {"from": "gpt", "value": "grey"}]},
              {"id": 7, "audio": "media/beeps.wav", "conversations": [
                {"from": "human", "value": "how many beeps ?\n<audio>"}, {"from": "gpt", "value": "two"}]},
              {"id": "t1", "conversations": [{"from": "human", "value": "what comes after five ?"}, {"from": "gpt", "value": "six"}]}
            ]
            """);

        var samples = LlavaConversationDataset.Load(json);

        samples.Select(s => (s.Id, s.Category)).Should().Equal(("p1", "image"), ("j1", "image"), ("7", "audio"), ("t1", "text"));
        samples[0].Turns.Should().Equal(
            new ConversationTurn("human", "<image>\nwhat shape is in the image ?"), new ConversationTurn("gpt", "circle"),
            new ConversationTurn("human", "what colour ?"), new ConversationTurn("gpt", "red"));
        var decodedPng = (ImageItem)samples[0].Media!.Load();
        decodedPng.SourceId.Should().Be("p1 (media/shapes.png)");
        decodedPng.Pixels.Zip(png.Pixels).Should().OnlyContain(pair => Math.Abs(pair.First - pair.Second) <= 1f / 255f);
        var decodedJpeg = (ImageItem)samples[1].Media!.Load();
        (decodedJpeg.Height, decodedJpeg.Width).Should().Be((8, 12));
        decodedJpeg.Pixels.Should().OnlyContain(value => Math.Abs(value - 0.6f) < 0.03f);
        var decodedAudio = (AudioItem)samples[2].Media!.Load();
        decodedAudio.SampleRate.Should().Be(16000);
        decodedAudio.Samples.Zip(audio.Samples).Should().OnlyContain(pair => Math.Abs(pair.First - pair.Second) <= 1f / 32767f);
        samples[3].Media.Should().BeNull();
    }

    [Fact]
    public void Media_paths_resolve_against_the_media_root_when_given()
    {
        var mediaRoot = Path.Combine(_folder.Path, "elsewhere");
        WavFileWriter.Write(_folder.File("elsewhere", "a.wav"), [0.5f, -0.5f], 8000);
        var json = WriteJson("""[{"id": "a", "audio": "a.wav", "conversations": [{"from": "human", "value": "<audio>"}, {"from": "gpt", "value": "x"}]}]""");

        var sample = LlavaConversationDataset.Load(json, mediaRoot).Single();

        ((AudioItem)sample.Media!.Load()).Samples.Should().Equal(0.5f, -0.5f);
    }

    public static TheoryData<string, string> BrokenSamples => new()
    {
        { """{"id": "m", "image": "missing.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "x"}]}""",
          "{json}:1: sample 'm' (item 0): image file '{root}/missing.png' does not exist" },
        { """{"id": "b", "image": "a.png", "audio": "a.wav", "conversations": [{"from": "human", "value": "<image>"}]}""",
          "{json}:1: sample 'b' (item 0): has both \"image\" and \"audio\"; a sample holds at most one media item" },
        { """{"id": "n", "conversations": []}""",
          "{json}:1: sample 'n' (item 0): has no conversations" },
        { """{"id": "n2"}""",
          "{json}:1: sample 'n2' (item 0): has no conversations" },
        { """{"id": "s", "conversations": "hi"}""",
          "{json}:1: sample 's' (item 0): has 'conversations' as a string; it must be a list of turns" },
        { """{"id": "g", "conversations": [{"from": "gpt", "value": "hi"}, {"from": "human", "value": "hello"}]}""",
          "{json}:1: sample 'g' (item 0): the first turn is from 'gpt', expected 'human'" },
        { """{"id": "z", "image": "a.png", "conversations": [{"from": "human", "value": "describe"}, {"from": "gpt", "value": "x"}]}""",
          "{json}:1: sample 'z' (item 0): has an image but its human turns contain <image> 0 times, expected exactly once" },
        { """{"id": "d", "audio": "a.wav", "conversations": [{"from": "human", "value": "<audio> <audio>"}, {"from": "gpt", "value": "x"}]}""",
          "{json}:1: sample 'd' (item 0): has audio but its human turns contain <audio> 2 times, expected exactly once" },
        { """{"id": "x", "image": "a.png", "conversations": [{"from": "human", "value": "<image> <audio>"}, {"from": "gpt", "value": "x"}]}""",
          "{json}:1: sample 'x' (item 0): has an image but its turns contain <audio>" },
        { """{"id": "t", "conversations": [{"from": "human", "value": "<image>\nwhat ?"}, {"from": "gpt", "value": "x"}]}""",
          "{json}:1: sample 't' (item 0): has no media but its turns contain <image>" },
        { """{"id": "a", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "<audio>"}]}""",
          "{json}:1: sample 'a' (item 0): a gpt turn contains <audio>; placeholders belong in human turns" },
        { """{"id": "s", "conversations": [{"from": "human", "value": "q"}, {"from": "system", "value": "x"}]}""",
          "{json}:1: sample 's' (item 0): turn 2 is from 'system', expected 'human' or 'gpt'" },
        { """{"conversations": [{"from": "human", "value": "q"}]}""",
          "{json}:1: item 0: has no \"id\" (a string or a number)" },
    };

    [Theory]
    [MemberData(nameof(BrokenSamples))]
    public void Broken_samples_fail_with_a_message_naming_the_sample_and_file(string item, string expected)
    {
        File.WriteAllText(_folder.File("text.png"), "not an image");
        File.WriteAllText(_folder.File("text.wav"), "not a wav file");
        var json = WriteJson($"[{item}]");

        var act = () => LlavaConversationDataset.Load(json);

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().Be(expected.Replace("{json}", json).Replace("{root}", _folder.Path));
    }

    [Fact]
    public void A_file_that_is_not_an_array_is_rejected()
    {
        var json = WriteJson("""{"id": "x"}""");

        var act = () => LlavaConversationDataset.Load(json);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Be($"LLaVA data file '{json}' must hold a JSON array of samples");
    }

    private string WriteJson(string text)
    {
        var path = _folder.File("data.json");
        File.WriteAllText(path, text);
        return path;
    }
}
