using System.Text.Json;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Media;
using Pipeline.Host.Data;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Data;
using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Nothing is changed silently on the way to the encoders: audio longer than the encoder's <c>clip_seconds</c> is
/// counted per split with the longest named, and audio averaged to mono from several channels is reported once per run.
/// </summary>
public sealed class MediaChangeReportTests
{
    private static object AudioItem(string id, string file) =>
        new { id, audio = file, conversations = LlavaDataFolder.Turns("<audio>\nhow many beeps ?", "one") };

    [Fact]
    public void A_run_reports_clips_longer_than_clip_seconds_and_stereo_files_averaged_to_mono()
    {
        using var data = new LlavaDataFolder();
        // The tiny pipeline's audio encoder keeps 0.5 s at 16 kHz (8000 samples); beep.wav is exactly that long.
        WavFileWriter.Write(data.Media("long-a.wav"), LlavaDataFolder.Tone(12000), 16000);
        WavFileWriter.Write(data.Media("long-b.wav"), LlavaDataFolder.Tone(20000), 16000);
        WavFileWriter.Write(data.Media("stereo.wav"), [Enumerable.Repeat(0.5f, 4000).ToArray(), Enumerable.Repeat(-0.25f, 4000).ToArray()], 16000);
        data.WriteTrain(AudioItem("long-a", "long-a.wav"), AudioItem("long-b", "long-b.wav"), AudioItem("stereo", "stereo.wav"));
        var log = new List<string>();

        PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        log.Should().Contain("device: cpu", "the run log also says which device run.device resolved to");
        log.Should().Contain("data: 2 of 4 train audio clips are longer than the encoder's 0.5 s and are cut to it; the longest is 'long-b' (1.25 s)");
        log.Should().ContainSingle(line => line.Contains("longer than the encoder's"), "pretrain and eval hold only beep.wav, which fits");
        log.Should().ContainSingle(line => line.Contains("averaged to mono"))
            .Which.Should().Be("data: 1 audio file had more than one channel and was averaged to mono");
        var records = File.ReadAllLines(Path.Combine(data.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement).Where(r => r.GetProperty("kind").GetString() == "data")
            .ToDictionary(r => r.GetProperty("split").GetString()!, r => r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString()));
        records["train"].Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["kind"] = "data", ["split"] = "train", ["samples"] = "6", ["skipped"] = "0",
            ["audio_cut"] = "2", ["audio_cut_to_seconds"] = "0.5", ["audio_cut_longest_sample"] = "long-b", ["audio_cut_longest_seconds"] = "1.25",
            ["audio_averaged_to_mono"] = "1",
        });
        records["eval"].Keys.Should().BeEquivalentTo("kind", "split", "samples", "skipped");
    }

    [Fact]
    public void The_longest_cut_is_the_first_of_equally_long_clips_and_each_split_reports_its_own()
    {
        var train = new MediaChangeTally();
        train.Add("a", Clip(1), new MediaCut(2, 0.5));
        train.Add("b", Clip(1), new MediaCut(3, 0.5));
        train.Add("c", Clip(1), new MediaCut(3, 0.5));
        train.Add("d", Clip(1), null);
        var eval = new MediaChangeTally();
        eval.Add("e", Clip(2), new MediaCut(0.75, 0.5));
        eval.Add("f", Clip(3), null);
        var report = new DataReport(new DataSplits([], [], []), [])
        {
            MediaChanges = new Dictionary<string, MediaChangeTally> { ["train"] = train, ["eval"] = eval },
        };

        report.LogLines().Should().Equal(
            "data: 3 of 4 train audio clips are longer than the encoder's 0.5 s and are cut to it; the longest is 'b' (3 s)",
            "data: 1 of 2 eval audio clips is longer than the encoder's 0.5 s and is cut to it; the longest is 'e' (0.75 s)",
            "data: 2 audio files had more than one channel and were averaged to mono");
    }

    private static AudioItem Clip(int channels) => new("clip", new float[4], 16000) { SourceChannels = channels };
}
