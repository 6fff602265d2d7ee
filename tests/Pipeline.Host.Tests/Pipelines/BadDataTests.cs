using System.Text.Json;
using Pipeline.Host.Data;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Bad samples stop a run before anything is written (<c>data.on_error: error</c>, the default) with a message naming
/// the file, line, sample id and item, or are left out and counted (<c>data.on_error: skip</c>).
/// </summary>
public sealed class BadDataTests
{
    /// <summary>One bad item per case, written after the three good ones (so it is item 3, on line 5), and the expected message.</summary>
    public static TheoryData<string, string> BadSamples => new()
    {
        { "missing-image", "{json}:5: sample 'gone' (item 3): image file '{data}/nothere.png' does not exist" },
        { "corrupt-audio", "{json}:5: sample 'noise' (item 3): audio file '{data}/corrupt.wav' is not a WAV file (no RIFF/WAVE header)" },
        { "wrong-sample-rate", "{json}:5: sample 'slow' (item 3): 'slow (slow.wav)': sample rate is 8000 Hz, but encoder 'audio' expects 16000 Hz; resample the audio" },
        { "placeholder-count", "{json}:5: sample 'twice' (item 3): has an image but its human turns contain <image> 2 times, expected exactly once" },
        { "too-long", "{json}:5: sample 'long' (item 3): 63 tokens (media tokens included) exceed model.llm.max_sequence_length 48" },
    };

    /// <summary>Writes what case <paramref name="name"/> needs and returns its bad item.</summary>
    private static object BadItem(LlavaDataFolder data, string name)
    {
        switch (name)
        {
            case "missing-image":
                return new { id = "gone", image = "nothere.png", conversations = LlavaDataFolder.Turns("<image>\nwhat is it ?", "red") };
            case "corrupt-audio":
                File.WriteAllText(data.Media("corrupt.wav"), "this is not audio");
                return new { id = "noise", audio = "corrupt.wav", conversations = LlavaDataFolder.Turns("<audio>\nhow many beeps ?", "one") };
            case "wrong-sample-rate":
                WavFileWriter.Write(data.Media("slow.wav"), LlavaDataFolder.Tone(4000), 8000);
                return new { id = "slow", audio = "slow.wav", conversations = LlavaDataFolder.Turns("<audio>\nhow many beeps ?", "one") };
            case "placeholder-count":
                return new { id = "twice", image = "red.png", conversations = LlavaDataFolder.Turns("<image> <image>\nwhat colour ?", "red") };
            case "too-long":
                return new { id = "long", conversations = LlavaDataFolder.Turns(string.Join(' ', Enumerable.Repeat("word", 60)), "x") };
            default:
                throw new ArgumentException(name);
        }
    }

    /// <summary>Every file under <paramref name="directory"/> with its bytes and write time.</summary>
    private static List<(string Path, string Content, DateTime Written)> Snapshot(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(directory, f), Convert.ToBase64String(File.ReadAllBytes(f)), File.GetLastWriteTimeUtc(f)))
            .ToList();

    [Theory]
    [MemberData(nameof(BadSamples))]
    public void A_bad_sample_stops_the_run_before_the_output_directory_is_touched(string name, string expected)
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain(BadItem(data, name));
        Directory.CreateDirectory(Path.Combine(data.OutputDirectory, "checkpoints", "step-00000010"));
        File.WriteAllText(Path.Combine(data.OutputDirectory, "metrics.jsonl"), "{\"kind\": \"train\", \"step\": 10}\n");
        File.WriteAllBytes(Path.Combine(data.OutputDirectory, "checkpoints", "step-00000010", "model.safetensors"), [1, 2, 3, 4]);
        var before = Snapshot(data.OutputDirectory);
        var definition = PipelineLoader.Load(data.ConfigPath);

        var act = () => PipelineRunner.Train(definition, _ => { });

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().Be(expected.Replace("{json}", data.TrainJson).Replace("{data}", data.DataDirectory));
        Snapshot(data.OutputDirectory).Should().Equal(before);
    }

    [Fact]
    public void Several_bad_samples_report_the_first_and_how_many_more()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain(BadItem(data, "corrupt-audio"), BadItem(data, "too-long"));

        var act = () => PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), _ => { });

        act.Should().Throw<InvalidDataException>().WithMessage(
            $"{data.TrainJson}:5: sample 'noise' (item 3): audio file '{data.DataDirectory}/corrupt.wav' is not a WAV file (no RIFF/WAVE header) (and 1 more bad samples)");
    }

    [Fact]
    public void Problems_found_while_reading_stop_the_run_before_the_model_is_built_and_media_are_checked()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain(BadItem(data, "corrupt-audio"), BadItem(data, "missing-image"), BadItem(data, "placeholder-count"));
        var log = new List<string>();

        var act = () => PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        // The corrupt clip (item 3) is only found when media are decoded; reading already found two problems.
        act.Should().Throw<InvalidDataException>().WithMessage(
            $"{data.TrainJson}:6: sample 'gone' (item 4): image file '{data.DataDirectory}/nothere.png' does not exist (and 1 more bad samples)");
        log.Should().NotContain(line => line.StartsWith("data: checked", StringComparison.Ordinal));
    }

    [Fact]
    public void Skip_mode_trains_without_the_bad_samples_and_counts_them_per_reason()
    {
        using var data = new LlavaDataFolder(onError: "skip");
        data.WriteTrain(BadSamples.Select(c => BadItem(data, (string)c[0])).ToArray());
        var log = new List<string>();

        var result = PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        result.Stages.Select(s => s.Steps).Should().Equal(2, 1);
        var records = File.ReadAllLines(Path.Combine(data.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement).Where(r => r.GetProperty("kind").GetString() == "data")
            .ToDictionary(r => r.GetProperty("split").GetString()!, r => r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString()));
        var expectedTrain = new Dictionary<string, string>
        {
            ["kind"] = "data", ["samples"] = "3", ["skipped"] = "5", ["skipped_placeholder_mismatch"] = "1", ["skipped_missing_media"] = "1",
            ["skipped_corrupt_media"] = "1", ["skipped_media_rejected"] = "1", ["skipped_too_long"] = "1",
        };
        records["train"].Should().BeEquivalentTo(new Dictionary<string, string>(expectedTrain) { ["split"] = "train" });
        foreach (string split in new[] { "pretrain", "eval" })
            records[split].Should().BeEquivalentTo(new Dictionary<string, string> { ["kind"] = "data", ["split"] = split, ["samples"] = "3", ["skipped"] = "0" });
        log.Should().Contain($"skipped: {data.TrainJson}:5: sample 'gone' (item 3): image file '{data.DataDirectory}/nothere.png' does not exist")
            .And.Contain($"skipped: {data.TrainJson}:9: sample 'long' (item 7): 63 tokens (media tokens included) exceed model.llm.max_sequence_length 48")
            .And.Contain("data: skipped 5 of 8 train samples (placeholder_mismatch 1, missing_media 1, corrupt_media 1, media_rejected 1, too_long 1)")
            .And.Contain("data: 3 pretrain, 3 train, 3 eval samples; vocabulary 21");
    }

    [Fact]
    public void Skipping_every_sample_of_a_stage_split_is_an_error_before_training()
    {
        using var data = new LlavaDataFolder(onError: "skip");
        File.WriteAllText(data.TrainJson, "[" + JsonSerializer.Serialize(BadItem(data, "missing-image")) + "]");

        var act = () => PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), _ => { });

        act.Should().Throw<InvalidDataException>().WithMessage("stage 'instruct': split 'train' has no samples left: all 1 were bad and skipped");
        Directory.Exists(data.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void On_error_takes_only_error_or_skip()
    {
        using var pipeline = new TinyPipeline();

        var act = () => PipelineLoader.Load(pipeline.ConfigPath, ["data.on_error=ignore"]);

        act.Should().Throw<Pipeline.Host.Config.Binding.ConfigException>()
            .WithMessage("--set data.on_error: data.on_error: expected one of error, skip, got 'ignore'");
    }
}
