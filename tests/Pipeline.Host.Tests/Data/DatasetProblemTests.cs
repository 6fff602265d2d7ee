using Pipeline.Host.Data;

namespace Pipeline.Host.Tests.Data;

/// <summary>Reading a conversation file with bad items: the good ones load, each bad one is a located, classified problem.</summary>
public sealed class DatasetProblemTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Bad_items_become_problems_with_reason_line_and_index_and_the_rest_load()
    {
        WavFileWriter.Write(_folder.File("ok.wav"), [0.1f, 0.2f], 16000);
        File.WriteAllText(_folder.File("broken.png"), "not an image");
        string json = _folder.File("data.json");
        File.WriteAllText(json, """
            [
              {"id": "good-1", "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]},
              {"id": "gone",
               "image": "missing.png",
               "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "x"}]},
              {"id": "broken", "image": "broken.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "x"}]},
              {"id": "twice", "audio": "ok.wav", "conversations": [{"from": "human", "value": "<audio><audio>"}, {"from": "gpt", "value": "x"}]},
              {"conversations": []},
              {"id": 12, "audio": "ok.wav", "conversations": [{"from": "human", "value": "<audio>"}, {"from": "gpt", "value": "two"}]}
            ]
            """);

        var loaded = LlavaConversationDataset.Read(json);

        // Reading does not decode media: the broken image is found by the check against the model (BadDataTests).
        loaded.Samples.Select(s => (s.Id, s.Location)).Should().Equal(
            ("good-1", new SampleLocation(json, 0, 2)), ("broken", new SampleLocation(json, 2, 6)), ("12", new SampleLocation(json, 5, 9)));
        loaded.Problems.Select(p => (p.Reason, p.ReasonName, p.Message)).Should().Equal(
            (SampleProblemReason.MissingMedia, "missing_media",
                $"{json}:3: sample 'gone' (item 1): image file '{_folder.Path}/missing.png' does not exist"),
            (SampleProblemReason.PlaceholderMismatch, "placeholder_mismatch",
                $"{json}:7: sample 'twice' (item 3): has audio but its human turns contain <audio> 2 times, expected exactly once"),
            (SampleProblemReason.Malformed, "malformed", $"{json}:8: item 4: has no \"id\" (a string or a number)"));
    }

    [Fact]
    public void Load_fails_on_the_first_problem()
    {
        string json = _folder.File("data.json");
        File.WriteAllText(json, """
            [{"id": "a", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "x"}]},
             {"id": "b", "audio": "none.wav", "conversations": [{"from": "human", "value": "<audio>"}, {"from": "gpt", "value": "x"}]}]
            """);

        var act = () => LlavaConversationDataset.Load(json);

        act.Should().Throw<InvalidDataException>().WithMessage($"{json}:2: sample 'b' (item 1): audio file '{_folder.Path}/none.wav' does not exist");
    }
}
