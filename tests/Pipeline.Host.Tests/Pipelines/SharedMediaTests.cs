using Pipeline.Host.Config.Binding;
using Pipeline.Host.Data;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Conversation files at scale: samples that share media files cost one decode per file in the data check, and the
/// checked samples of a file live in a sample file on disk, not in memory.
/// </summary>
public sealed class SharedMediaTests
{
    [Fact]
    public void Media_shared_by_many_samples_are_decoded_once_by_the_data_check()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain(Enumerable.Range(0, 60).Select(i => (object)(i % 2 == 0
            ? new { id = $"img-{i}", image = "red.png", conversations = LlavaDataFolder.Turns("<image>\nwhat colour is it ?", "red") }
            : new { id = $"aud-{i}", audio = "beep.wav", conversations = LlavaDataFolder.Turns("<audio>\nhow many beeps ?", "one") })).ToArray());
        var log = new List<string>();

        PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        // 63 train samples and 3 + 3 more in the eval file (read as pretrain and eval): two media files in all.
        log.Should().ContainSingle(line => line.StartsWith("data: checked and tokenised 69 samples in ", StringComparison.Ordinal))
            .Which.Should().EndWith(" s (2 media files decoded once each)");
    }

    [Fact]
    public void Samples_read_from_files_are_kept_on_disk_and_synthetic_ones_in_memory()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        using var synthetic = new TinyPipeline();

        var (_, files) = DataFactory.Load(PipelineLoader.Load(data.ConfigPath));
        var (_, generated) = DataFactory.Load(PipelineLoader.Load(synthetic.ConfigPath));
        using (files)
        using (generated)
        {
            files.Train.Should().BeOfType<TokenizedSampleFile>().Which.Select(s => s.Id).Should().Equal("img-1", "aud-1", "txt-1");
            files.Train[0].Media.Should().BeOfType<MediaFile>().Which.Path.Should().Be(data.Media("red.png"));
            generated.Train.Should().BeOfType<List<TokenizedSample>>();
            generated.Train[0].Media.Should().BeOfType<DecodedMedia>();
        }
    }

    [Fact]
    public void Sample_files_go_to_the_cache_dir()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        string cache = Path.Combine(Path.GetDirectoryName(data.ConfigPath)!, "sample-cache");

        var (_, splits) = DataFactory.Load(PipelineLoader.Load(data.ConfigPath, ["data.cache_dir=sample-cache"]));
        using (splits)
        {
            // The files are unlinked as soon as they are open: the folder is made and stays empty.
            Directory.Exists(cache).Should().BeTrue();
            Directory.GetFiles(cache).Should().BeEmpty();
            splits.Train.Select(s => s.Id).Should().Equal("img-1", "aud-1", "txt-1");
        }
    }

    [Fact]
    public void A_cache_dir_that_cannot_be_made_is_an_error_naming_the_key()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        string blocked = Path.Combine(Path.GetDirectoryName(data.ConfigPath)!, "blocked");
        File.WriteAllText(blocked, "a file where the folder should be");

        var act = () => PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath, ["data.cache_dir=blocked"]), _ => { });

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(
            $"--set data.cache_dir: data.cache_dir: '{blocked}' (where the tokenised samples go) is a file, not a folder; nothing was changed. " +
            "Choose another data.cache_dir or make the place writable");
        Directory.Exists(data.OutputDirectory).Should().BeFalse();
    }

    [Fact]
    public void A_stereo_file_shared_by_many_samples_is_reported_as_one_file()
    {
        using var data = new LlavaDataFolder();
        WavFileWriter.Write(data.Media("stereo.wav"), [Enumerable.Repeat(0.5f, 4000).ToArray(), Enumerable.Repeat(-0.25f, 4000).ToArray()], 16000);
        data.WriteTrain(Enumerable.Range(0, 5).Select(i => (object)new
        {
            id = $"st-{i}", audio = "stereo.wav", conversations = LlavaDataFolder.Turns("<audio>\nhow many beeps ?", "one"),
        }).ToArray());
        var log = new List<string>();

        PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        log.Should().ContainSingle(line => line.Contains("averaged to mono"))
            .Which.Should().Be("data: 1 audio file had more than one channel and was averaged to mono");
    }

    [Fact]
    public void A_media_file_removed_after_reading_is_reported_by_the_check_not_dropped()
    {
        using var data = new LlavaDataFolder(onError: "skip");
        data.WriteTrain();
        var definition = PipelineLoader.Load(data.ConfigPath);
        var read = DataFactory.Read(definition);
        File.Delete(data.Media("red.png"));
        using var built = ModelFactory.Build(definition, read.Tokenizer.VocabularySize, TorchSharp.torch.CPU);

        var (report, _) = DataPreparation.Check(definition, read, built.Model, _ => { });
        using var splits = report.Splits;

        report.Skipped.Select(s => (s.Split, s.Problem.ReasonName)).Should().Equal(
            ("pretrain", "missing_media"), ("train", "missing_media"), ("eval", "missing_media"));
        report.Skipped[1].Problem.Message.Should().Be($"{data.TrainJson}:2: sample 'img-1' (item 0): image file '{data.Media("red.png")}' does not exist");
        report.Splits.Train.Select(s => s.Id).Should().Equal("aud-1", "txt-1");
    }
}
