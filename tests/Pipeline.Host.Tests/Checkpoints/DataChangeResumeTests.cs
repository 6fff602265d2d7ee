using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// <c>train --resume</c> after the data changed: the change is found and named before anything in the output directory
/// is written or cut, whether a sample was added, removed, edited or reordered, or the vocabulary changed; a checkpoint
/// written before data fingerprints existed still resumes, and a changed sample count or vocabulary is still refused.
/// </summary>
public sealed class DataChangeResumeTests(TrainedLlavaRun run) : IClassFixture<TrainedLlavaRun>
{
    /// <summary>Six special tokens and the 13 words of the three samples (what, colour, is, it, ?, red, how, many, beeps, one, comes, after, two).</summary>
    private const int Vocabulary = 19;

    private const string Advice = "Nothing was changed. Resume with the data the run was trained on, or train on this data as a new run " +
        "in another run.output_dir (for example --set run.output_dir=...)";

    private static readonly object SameWords = new { id = "txt-2", conversations = LlavaDataFolder.Turns("what comes after two ?", "one") };

    private static readonly object NewWords = new { id = "txt-3", conversations = LlavaDataFolder.Turns("what comes after three ?", "four") };

    private static (int ExitCode, string Output, string Error) Resume(RunCopy copy, params string[] extra) =>
        ConsoleCapture.Run(["train", copy.ConfigPath, "--resume", .. TrainedLlavaRun.Settings, .. extra]);

    private static void WriteItems(string path, IEnumerable<object> items) =>
        File.WriteAllText(path, "[\n" + string.Join(",\n", items.Select(i => JsonSerializer.Serialize(i))) + "\n]\n");

    /// <summary>Resumes <paramref name="copy"/> and asserts the refusal <paramref name="expected"/>, with the output directory unchanged.</summary>
    private static void ShouldRefuse(RunCopy copy, string expected)
    {
        var before = FolderHash.Of(copy.OutputDirectory);

        var (exitCode, _, error) = Resume(copy);

        error.Trim().Should().Be("error: " + expected);
        exitCode.Should().Be(CommandErrors.RunError);
        FolderHash.Of(copy.OutputDirectory).Should().Equal(before);
    }

    [Fact]
    public void A_sample_added_to_a_split_is_named_with_the_counts()
    {
        using var copy = run.Copy();
        WriteItems(copy.Data("train.json"), [.. LlavaDataFolder.GoodItems, SameWords]);

        ShouldRefuse(copy, "cannot resume from checkpoint-000003: the data differs from the data it was trained on: " +
            $"split 'train': 3 samples at the checkpoint, 4 now. {Advice}");
    }

    [Fact]
    public void A_sample_removed_from_a_file_two_splits_read_names_both_splits()
    {
        using var copy = run.Copy();
        WriteItems(copy.Data("eval.json"), LlavaDataFolder.GoodItems.Take(2));

        ShouldRefuse(copy, "cannot resume from checkpoint-000003: the data differs from the data it was trained on: " +
            $"split 'pretrain': 3 samples at the checkpoint, 2 now; split 'eval': 3 samples at the checkpoint, 2 now. {Advice}");
    }

    [Fact]
    public void An_edited_answer_with_the_same_words_is_found_although_the_counts_are_equal()
    {
        using var copy = run.Copy();
        WriteItems(copy.Data("train.json"),
            [LlavaDataFolder.GoodItems[0], LlavaDataFolder.GoodItems[1], new { id = "txt-1", conversations = LlavaDataFolder.Turns("what comes after one ?", "one") }]);

        ShouldRefuse(copy, "cannot resume from checkpoint-000003: the data differs from the data it was trained on: split 'train': 3 samples, " +
            $"as at the checkpoint, but other ones (a sample's id, text, tokens or media file name changed, or their order). {Advice}");
    }

    [Fact]
    public void Reordered_samples_are_a_change()
    {
        using var copy = run.Copy();
        WriteItems(copy.Data("train.json"), LlavaDataFolder.GoodItems.Reverse());

        ShouldRefuse(copy, "cannot resume from checkpoint-000003: the data differs from the data it was trained on: split 'train': 3 samples, " +
            $"as at the checkpoint, but other ones (a sample's id, text, tokens or media file name changed, or their order). {Advice}");
    }

    [Fact]
    public void New_words_name_the_vocabulary_sizes_as_well_as_the_split()
    {
        using var copy = run.Copy();
        WriteItems(copy.Data("train.json"), [.. LlavaDataFolder.GoodItems, NewWords]);

        ShouldRefuse(copy, "cannot resume from checkpoint-000003: the data differs from the data it was trained on: " +
            $"vocabulary: {Vocabulary} tokens at the checkpoint, {Vocabulary + 2} now; split 'train': 3 samples at the checkpoint, 4 now. {Advice}");
    }

    [Fact]
    public void Every_checkpoint_records_the_data_it_was_trained_on()
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Directory, "out", "checkpoints", "checkpoint-000001", CheckpointStore.StateFileName)));
        var data = state.RootElement.GetProperty("data");

        data.GetProperty("vocabulary_size").GetInt32().Should().Be(Vocabulary);
        foreach (string split in new[] { "pretrain", "train", "eval" })
        {
            data.GetProperty("splits").GetProperty(split).GetProperty("samples").GetInt32().Should().Be(3);
            data.GetProperty("splits").GetProperty(split).GetProperty("sha256").GetString().Should().MatchRegex("^[0-9a-f]{64}$");
        }
        // pretrain and eval read the same file; train holds the same samples too.
        data.GetProperty("splits").GetProperty("pretrain").GetProperty("sha256").GetString()
            .Should().Be(data.GetProperty("splits").GetProperty("eval").GetProperty("sha256").GetString());
    }

    /// <summary>Removes <c>data</c> from a checkpoint's trainer state, as checkpoints were written before it was recorded.</summary>
    private static void WriteWithoutDataFingerprint(RunCopy copy, string checkpoint)
    {
        string path = Path.Combine(copy.Checkpoint(checkpoint), CheckpointStore.StateFileName);
        var state = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        state.Remove("data").Should().BeTrue();
        File.WriteAllText(path, state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    [Fact]
    public void A_checkpoint_without_a_data_fingerprint_still_resumes_with_a_warning()
    {
        using var copy = run.Copy();
        WriteWithoutDataFingerprint(copy, "checkpoint-000001");
        copy.PointLatestAt("checkpoint-000001");

        var (exitCode, output, error) = Resume(copy, "--plain");

        exitCode.Should().Be(0, error);
        output.Should().Contain("warning: checkpoint-000001 was written without a data fingerprint (by an earlier version); only its sample count " +
            "and vocabulary size can be compared with the data now, an edited sample is not detected");
        File.ReadAllText(copy.LatestFile).Trim().Should().Be("checkpoint-000003");
    }

    [Fact]
    public void A_checkpoint_without_a_data_fingerprint_refuses_a_changed_count_of_the_split_its_stage_trains_on()
    {
        using var copy = run.Copy();
        WriteWithoutDataFingerprint(copy, "checkpoint-000001");
        copy.PointLatestAt("checkpoint-000001");
        WriteItems(copy.Data("eval.json"), [.. LlavaDataFolder.GoodItems, SameWords]);

        ShouldRefuse(copy, "cannot resume from checkpoint-000001: the data differs from the data it was trained on: " +
            $"split 'pretrain': 3 samples at the checkpoint, 4 now. {Advice}");
    }

    [Fact]
    public void A_checkpoint_without_a_data_fingerprint_refuses_a_changed_vocabulary_by_the_weights_shape_before_anything_is_written()
    {
        using var copy = run.Copy();
        WriteWithoutDataFingerprint(copy, "checkpoint-000001");
        copy.PointLatestAt("checkpoint-000001");
        WriteItems(copy.Data("train.json"), [.. LlavaDataFolder.GoodItems, NewWords]);

        ShouldRefuse(copy, $"cannot resume from checkpoint-000001: '{Path.Combine(copy.Checkpoint("checkpoint-000001"), "model.safetensors")}': " +
            $"'llm.lm_head.weight' has shape [{Vocabulary}, 32], the model's is [{Vocabulary + 2}, 32]. Nothing was changed. Was the data's vocabulary " +
            "or a plugin changed since? Resume with the data and plugins the run was trained with, or start a new run in another run.output_dir");
    }
}
