using System.Text.Json;
using Pipeline.Host.Cli;
using Pipeline.Host.Data;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Cli;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Pipelines;

/// <summary>
/// Bad media files (<see cref="BadMediaCorpus"/>): truncated images, bombs, broken WAV headers, named pipes, devices,
/// directories, link loops, unreadable files. Each is a problem of its sample, with a kind and a message naming the
/// sample and the path; <c>data.on_error: error</c> stops before the output directory is touched, <c>skip</c> leaves
/// out exactly the bad samples and trains. Nothing hangs, nothing aborts the run under <c>skip</c>.
/// </summary>
public sealed class BadMediaTests
{
    public static TheoryData<string> CaseNames => new(BadMediaCorpus.Cases.Select(c => c.Name));

    private static string Expected(LlavaDataFolder data, int item, BadMediaCorpus.Case bad, string path) =>
        $"{data.TrainJson}:{item + 2}: sample '{bad.Name}' (item {item}): {bad.Detail.Replace("{path}", path)}";

    /// <summary>Every file under <paramref name="directory"/> with its bytes and write time.</summary>
    private static List<(string Path, string Content, DateTime Written)> Snapshot(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(directory, f), Convert.ToBase64String(File.ReadAllBytes(f)), File.GetLastWriteTimeUtc(f)))
            .ToList();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_bad_media_file_stops_the_run_naming_its_sample_and_path_before_the_output_directory_is_touched(string name)
    {
        using var data = new LlavaDataFolder();
        var bad = BadMediaCorpus.Named(name);
        var (item, path) = BadMediaCorpus.Make(bad, data);
        data.WriteTrain(item);
        Directory.CreateDirectory(Path.Combine(data.OutputDirectory, "checkpoints", "step-00000010"));
        File.WriteAllText(Path.Combine(data.OutputDirectory, "metrics.jsonl"), "{\"kind\": \"train\", \"step\": 10}\n");
        File.WriteAllBytes(Path.Combine(data.OutputDirectory, "checkpoints", "step-00000010", "model.safetensors"), [1, 2, 3, 4]);
        var before = Snapshot(data.OutputDirectory);

        var act = () => PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), _ => { });

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Be(Expected(data, 3, bad, path));
        Snapshot(data.OutputDirectory).Should().Equal(before);
    }

    [Fact]
    public void The_data_check_gives_each_bad_sample_its_kind_and_message()
    {
        using var data = new LlavaDataFolder(onError: "skip");
        var made = BadMediaCorpus.Cases.Select(bad => (Bad: bad, Made: BadMediaCorpus.Make(bad, data))).ToList();
        data.WriteTrain(made.Select(m => m.Made.Item).ToArray());
        var definition = PipelineLoader.Load(data.ConfigPath);

        var read = DataPreparation.Read(definition, _ => { });
        using var built = ModelFactory.Build(definition, read.Tokenizer.VocabularySize, CPU);
        var (report, _) = DataPreparation.Check(definition, read, built.Model, _ => { });
        using var splits = report.Splits;

        report.Skipped.Select(s => (s.Split, s.Problem.SampleId, s.Problem.ReasonName, s.Problem.Message)).Should().Equal(
            made.Select((m, i) => ("train", (string?)m.Bad.Name, m.Bad.Reason, Expected(data, 3 + i, m.Bad, m.Made.Path))));
        splits.Train.Select(s => s.Id).Should().Equal("img-1", "aud-1", "txt-1");
    }

    [Fact]
    public void Skip_mode_trains_without_exactly_the_bad_samples_and_counts_them_per_kind()
    {
        using var data = new LlavaDataFolder(onError: "skip");
        data.WriteTrain(BadMediaCorpus.Cases.Select(bad => BadMediaCorpus.Make(bad, data).Item).ToArray());
        var log = new List<string>();

        var result = PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        result.Stages.Select(s => s.Steps).Should().Equal(2, 1);
        var train = File.ReadAllLines(Path.Combine(data.OutputDirectory, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(r => r.GetProperty("kind").GetString() == "data" && r.GetProperty("split").GetString() == "train")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
        var expected = new Dictionary<string, string>
        {
            ["kind"] = "data", ["split"] = "train", ["samples"] = "3", ["skipped"] = $"{BadMediaCorpus.Cases.Count}",
        };
        foreach (var kind in BadMediaCorpus.Cases.GroupBy(c => c.Reason)) expected[$"skipped_{kind.Key}"] = $"{kind.Count()}";
        train.Should().BeEquivalentTo(expected);
        log.Should().Contain($"data: skipped {BadMediaCorpus.Cases.Count} of {BadMediaCorpus.Cases.Count + 3} train samples " +
            "(malformed 1, missing_media 2, unreadable_media 7, corrupt_media 14, media_too_large 2, media_rejected 1)");
    }

    [Fact]
    public void A_broken_file_shared_by_several_samples_is_reported_for_each_sample()
    {
        using var data = new LlavaDataFolder(onError: "skip");
        var bad = BadMediaCorpus.Named("png-truncated");
        var (_, path) = BadMediaCorpus.Make(bad, data);
        data.WriteTrain(new[] { "a", "b", "c" }.Select(id => (object)new
        {
            id, image = "cut.png", conversations = LlavaDataFolder.Turns("<image>\nwhat colour is it ?", "red"),
        }).ToArray());
        var log = new List<string>();

        PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        string detail = bad.Detail.Replace("{path}", path);
        log.Where(line => line.StartsWith("skipped: ", StringComparison.Ordinal)).Should().Equal(
            $"skipped: {data.TrainJson}:5: sample 'a' (item 3): {detail}",
            $"skipped: {data.TrainJson}:6: sample 'b' (item 4): {detail}",
            $"skipped: {data.TrainJson}:7: sample 'c' (item 5): {detail}");
        log.Should().Contain("data: skipped 3 of 6 train samples (corrupt_media 3)");
    }

    [Fact]
    public void Media_outside_the_data_folder_and_with_odd_names_are_read_like_any_other()
    {
        using var data = new LlavaDataFolder();
        string outside = Path.Combine(Path.GetDirectoryName(data.DataDirectory)!, "outside");
        Directory.CreateDirectory(outside);
        File.Copy(data.Media("red.png"), Path.Combine(outside, "red copy ü 'q'.png"));
        File.CreateSymbolicLink(data.Media("linked.png"), "red.png");
        data.WriteTrain(
            new { id = "up", image = "../outside/red copy ü 'q'.png", conversations = LlavaDataFolder.Turns("<image>\nwhat colour is it ?", "red") },
            new { id = "link", image = "linked.png", conversations = LlavaDataFolder.Turns("<image>\nwhat colour is it ?", "red") });
        var log = new List<string>();

        PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), log.Add);

        log.Should().Contain(line => line.StartsWith("data: 3 pretrain, 5 train, 3 eval samples;", StringComparison.Ordinal));
    }

    [Fact]
    public void A_conversation_file_or_tokenizer_that_is_a_named_pipe_is_refused_without_being_opened()
    {
        using var data = new LlavaDataFolder();
        var tokenizer = Path.Combine(data.DataDirectory, "tokenizer.json");
        foreach (string pipe in new[] { data.TrainJson, tokenizer })
        {
            BadMediaCorpus.Make(BadMediaCorpus.Named("fifo"), data);
            File.Move(data.Media("pipe.png"), pipe);
        }

        var readJson = () => PipelineRunner.Train(PipelineLoader.Load(data.ConfigPath), _ => { });
        var readTokenizer = () => TokenizerLoader.Load(tokenizer);

        readJson.Should().Throw<InvalidDataException>().WithMessage($"LLaVA data file '{data.TrainJson}' is a named pipe (FIFO), not a regular file");
        readTokenizer.Should().Throw<InvalidDataException>().WithMessage($"tokenizer file '{tokenizer}' is a named pipe (FIFO), not a regular file");
        Directory.Exists(data.OutputDirectory).Should().BeFalse();
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("jpeg-truncated")]
    public void Validate_reports_a_bad_media_file_as_train_does_and_writes_nothing(string name)
    {
        using var data = new LlavaDataFolder();
        var bad = BadMediaCorpus.Named(name);
        var (item, path) = BadMediaCorpus.Make(bad, data);
        data.WriteTrain(item);

        var (exitCode, _, error) = ConsoleCapture.Run("validate", data.ConfigPath);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Trim().Should().Be($"error: {Expected(data, 3, bad, path)}");
        Directory.Exists(data.OutputDirectory).Should().BeFalse();
    }
}
