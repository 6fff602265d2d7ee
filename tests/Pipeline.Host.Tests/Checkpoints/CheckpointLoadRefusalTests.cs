using Pipeline.Host.Checkpoints;
using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Cli;

namespace Pipeline.Host.Tests.Checkpoints;

/// <summary>
/// Damaged or foreign checkpoints are refused by every loader (<c>train --resume</c>, <c>eval</c>, <c>export</c>) with one
/// message naming the checkpoint, the file and the tensor, exit code 1, and nothing changed: not the output directory,
/// and no export target created.
/// </summary>
public sealed class CheckpointLoadRefusalTests(TrainedLlavaRun run) : IClassFixture<TrainedLlavaRun>
{
    private const string Latest = "checkpoint-000003";

    /// <summary>The tensor damaged in the weights file: the first LoRA matrix, trained in stage 1 only.</summary>
    private const string LoraTensor = "llm.model.layers.0.self_attn.q_proj.lora.lora_A.weight";

    private static string Weights(RunCopy copy, string checkpoint) => Path.Combine(copy.Checkpoint(checkpoint), CheckpointLocation.WeightsFileName);

    private static string Optimizer(RunCopy copy, string checkpoint) => Path.Combine(copy.Checkpoint(checkpoint), Checkpointer.OptimizerFileName);

    private static string EarlierCheckpoints(RunCopy copy, string kept) =>
        $"To resume from an earlier checkpoint, write its name into {copy.LatestFile} (kept: {kept}); the resumed run then deletes the ones after it";

    /// <summary>Runs <paramref name="command"/> on the copy; asserts exit code 1, the message, the output directory unchanged and no export target.</summary>
    private static void ShouldRefuse(RunCopy copy, string[] command, string expected)
    {
        var before = FolderHash.Of(copy.OutputDirectory);
        string exportTarget = Path.Combine(copy.Directory, "exported");

        var (exitCode, _, error) = ConsoleCapture.Run(command[0] == "export" ? [.. command, "--out", exportTarget] : command);

        error.Trim().Should().Be("error: " + expected);
        exitCode.Should().Be(CommandErrors.RunError);
        FolderHash.Of(copy.OutputDirectory).Should().Equal(before);
        FolderHash.Of(exportTarget).Should().Equal("(absent)");
    }

    private static string[] Resume(RunCopy copy) => ["train", copy.ConfigPath, "--resume", .. TrainedLlavaRun.Settings];

    private static string[] Eval(RunCopy copy, string? checkpoint = null) =>
        checkpoint is null ? ["eval", copy.ConfigPath] : ["eval", copy.ConfigPath, "--checkpoint", checkpoint];

    private static string[] Export(RunCopy copy, string? checkpoint = null) =>
        checkpoint is null ? ["export", copy.ConfigPath] : ["export", copy.ConfigPath, "--checkpoint", checkpoint];

    private string NonFiniteWeights(RunCopy copy)
    {
        SafetensorsEdits.SetF32(Weights(copy, Latest), LoraTensor, (0, float.NaN), (5, float.PositiveInfinity), (7, float.NaN));
        return $"checkpoint '{copy.Checkpoint(Latest)}': tensor '{LoraTensor}' in model.safetensors holds 3 non-finite values (2 NaN, 1 infinite) " +
            "among its 128; refusing to load it";
    }

    [Fact]
    public void Resume_refuses_non_finite_weights_and_names_the_earlier_checkpoints()
    {
        using var copy = run.Copy();
        string problem = NonFiniteWeights(copy);

        ShouldRefuse(copy, Resume(copy), $"cannot resume from {Latest}: {problem}. Nothing was changed. " +
            EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002"));
    }

    [Fact]
    public void Eval_refuses_non_finite_weights_and_appends_no_record()
    {
        using var copy = run.Copy();
        string problem = NonFiniteWeights(copy);

        ShouldRefuse(copy, Eval(copy), problem);
        File.Exists(Path.Combine(copy.OutputDirectory, EvalCommand.RecordFileName)).Should().BeFalse();
    }

    [Theory]
    [InlineData("peft")]
    [InlineData("merged")]
    public void Export_refuses_non_finite_weights_and_creates_no_target(string format)
    {
        using var copy = run.Copy();
        string problem = NonFiniteWeights(copy);

        ShouldRefuse(copy, [.. Export(copy), "--format", format], problem);
    }

    [Fact]
    public void Every_loader_refuses_a_non_finite_optimizer_moment()
    {
        using var copy = run.Copy();
        const string Moment = "llm.model.embed_tokens.weight.exp_avg_sq";
        SafetensorsEdits.SetF32(Optimizer(copy, "checkpoint-000001"), Moment, (3, float.NegativeInfinity));
        copy.PointLatestAt("checkpoint-000001");
        string problem = $"checkpoint '{copy.Checkpoint("checkpoint-000001")}': tensor '{Moment}' in optimizer.safetensors holds 1 non-finite " +
            $"value (1 infinite) among its {19 * 32}; refusing to load it";

        ShouldRefuse(copy, Resume(copy), $"cannot resume from checkpoint-000001: {problem}. Nothing was changed. " +
            "No earlier checkpoint is kept: start a new run in another run.output_dir");
        ShouldRefuse(copy, Eval(copy), problem);
        ShouldRefuse(copy, Export(copy), problem);
    }

    [Fact]
    public void A_tensor_of_an_integer_type_is_refused()
    {
        using var copy = run.Copy();
        SafetensorsEdits.SetDType(Weights(copy, Latest), LoraTensor, "F32", "I32");
        string problem = $"checkpoint '{copy.Checkpoint(Latest)}': tensor '{LoraTensor}' in model.safetensors is I32; a checkpoint's weights and " +
            "optimizer moments are floating-point (F32), so it was not written by a run; refusing to load it";

        ShouldRefuse(copy, Resume(copy), $"cannot resume from {Latest}: {problem}. Nothing was changed. " +
            EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002"));
        ShouldRefuse(copy, Eval(copy), problem);
        ShouldRefuse(copy, Export(copy), problem);
    }

    [Fact]
    public void A_truncated_weights_file_is_refused_naming_the_tensor_cut_off()
    {
        using var copy = run.Copy();
        string weights = Weights(copy, Latest);
        var (name, end, dataLength) = SafetensorsEdits.Last(weights);
        using (var file = new FileStream(weights, FileMode.Open)) file.SetLength(file.Length - 100);
        string problem = $"'{weights}' is not a valid safetensors file: tensor '{name}' ends at byte {end} of a {dataLength - 100}-byte data section (truncated file?)";

        ShouldRefuse(copy, Resume(copy), $"cannot resume from {Latest}: {problem}. Nothing was changed. " +
            EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002"));
        ShouldRefuse(copy, Eval(copy), problem);
        ShouldRefuse(copy, Export(copy), problem);
    }

    [Fact]
    public void A_truncated_trainer_state_is_refused()
    {
        using var copy = run.Copy();
        string state = Path.Combine(copy.Checkpoint(Latest), CheckpointStore.StateFileName);
        using (var file = new FileStream(state, FileMode.Open)) file.SetLength(file.Length / 2);
        var before = FolderHash.Of(copy.OutputDirectory);

        var (exitCode, _, error) = ConsoleCapture.Run(Resume(copy));

        exitCode.Should().Be(CommandErrors.RunError);
        error.Should().StartWith($"error: cannot resume from {Latest}: '{state}' is not a valid trainer state: ")
            .And.EndWith($". Nothing was changed. {EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002")}{Environment.NewLine}");
        FolderHash.Of(copy.OutputDirectory).Should().Equal(before);
    }

    [Fact]
    public void A_latest_naming_a_missing_folder_is_refused_by_every_loader()
    {
        using var copy = run.Copy();
        copy.PointLatestAt("checkpoint-000009");

        ShouldRefuse(copy, Resume(copy), $"cannot resume: '{copy.LatestFile}' names 'checkpoint-000009', which is not a complete checkpoint directory " +
            $"in {copy.CheckpointsFolder} (it needs model.safetensors and trainer_state.json); nothing was changed. " +
            EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002, checkpoint-000003"));
        string problem = $"'{copy.LatestFile}' names 'checkpoint-000009', which is not a checkpoint directory with model.safetensors";
        ShouldRefuse(copy, Eval(copy), problem);
        ShouldRefuse(copy, Export(copy), problem);
    }

    private static void MakeFifo(string path)
    {
        File.Delete(path);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        mkfifo.ExitCode.Should().Be(0);
    }

    /// <summary>Runs the refusal on another thread, so that a loader that opens the FIFO (and blocks) fails the test instead of hanging it.</summary>
    private static void ShouldRefuseWithoutBlocking(RunCopy copy, string[] command, string expected) =>
        Task.Run(() => ShouldRefuse(copy, command, expected)).Wait(TimeSpan.FromMinutes(2)).Should().BeTrue("a FIFO must never be opened");

    [Fact]
    public void A_fifo_in_place_of_a_checkpoint_file_is_refused_without_being_opened()
    {
        using var copy = run.Copy();
        string weights = Weights(copy, Latest);
        MakeFifo(weights);
        string problem = $"'{weights}' is empty or not a regular file (a FIFO or a device, say); refusing to read it";

        ShouldRefuseWithoutBlocking(copy, Resume(copy), $"cannot resume from {Latest}: {problem}. Nothing was changed. " +
            EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002"));
        ShouldRefuseWithoutBlocking(copy, Eval(copy), problem);
        ShouldRefuseWithoutBlocking(copy, Export(copy), problem);
    }

    [Fact]
    public void A_symbolic_link_to_a_fifo_is_refused_without_being_opened()
    {
        using var copy = run.Copy();
        string weights = Weights(copy, Latest), fifo = Path.Combine(copy.Directory, "fifo");
        MakeFifo(fifo);
        File.Delete(weights);
        File.CreateSymbolicLink(weights, fifo);

        ShouldRefuseWithoutBlocking(copy, Eval(copy), $"'{weights}' is empty or not a regular file (a FIFO or a device, say); refusing to read it");
    }

    [Fact]
    public void A_fifo_in_place_of_latest_is_refused_without_being_opened()
    {
        using var copy = run.Copy();
        MakeFifo(copy.LatestFile);

        ShouldRefuseWithoutBlocking(copy, Resume(copy), $"cannot resume: '{copy.LatestFile}' is empty or not a regular file (a FIFO or a device, say); " +
            $"refusing to read it; nothing was changed. {EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002, checkpoint-000003")}");
        ShouldRefuseWithoutBlocking(copy, Eval(copy), $"'{copy.LatestFile}' is empty or not a regular file (a FIFO or a device, say); refusing to read it");
    }

    [Fact]
    public void A_checkpoint_of_another_model_shape_is_refused_naming_both_shapes()
    {
        using var copy = run.Copy();
        string problem = $"'{Weights(copy, Latest)}': 'llm.lm_head.weight' has shape [19, 32], the model's is [19, 64]";
        string[] wider = ["--set", "model.llm.hidden_size=64"];

        ShouldRefuse(copy, [.. Eval(copy), .. wider], problem);
        ShouldRefuse(copy, [.. Export(copy), .. wider], problem);
    }

    [Fact]
    public void A_mid_stage_checkpoint_without_its_optimizer_file_is_refused()
    {
        using var copy = run.Copy();
        File.Delete(Optimizer(copy, "checkpoint-000001"));
        copy.PointLatestAt("checkpoint-000001");

        ShouldRefuse(copy, Resume(copy), $"cannot resume from checkpoint-000001: checkpoint '{copy.Checkpoint("checkpoint-000001")}' was written " +
            "mid-stage but has no optimizer.safetensors. Nothing was changed. No earlier checkpoint is kept: start a new run in another run.output_dir");
    }

    [Fact]
    public void A_checkpoint_of_a_newer_format_is_refused_saying_which_host_reads_it()
    {
        using var copy = run.Copy();
        string state = Path.Combine(copy.Checkpoint(Latest), CheckpointStore.StateFileName);
        File.WriteAllText(state, File.ReadAllText(state).Replace("\"format\": 1,", "\"format\": 2,"));

        ShouldRefuse(copy, Resume(copy), $"cannot resume from {Latest}: '{state}' has checkpoint format 2; this host reads format 1 " +
            "(the checkpoint was written by a newer version of the host: use that version). Nothing was changed. " +
            EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002"));
    }

    [Fact]
    public void A_random_generator_state_that_is_not_one_is_refused()
    {
        using var copy = run.Copy();
        string state = Path.Combine(copy.Checkpoint(Latest), CheckpointStore.StateFileName);
        string text = File.ReadAllText(state);
        int start = text.IndexOf("\"torch_rng_state\": \"", StringComparison.Ordinal) + "\"torch_rng_state\": \"".Length;
        File.WriteAllText(state, text[..start] + "AAAA" + text[text.IndexOf('"', start)..]);

        ShouldRefuse(copy, Resume(copy), $"cannot resume from {Latest}: '{state}': torch_rng_state is not a state of this torch build's CPU generator. " +
            $"Nothing was changed. {EarlierCheckpoints(copy, "checkpoint-000001, checkpoint-000002")}");
    }

    /// <summary>Counters of a mid-stage trainer state that no run writes, and what is said of each.</summary>
    public static TheoryData<string, long, string> ImpossibleCounters => new()
    {
        { "metrics_bytes", -1, "is not a valid trainer state: metrics_bytes is -1" },
        { "step", 5, "is not a valid trainer state: step 5 is not within the stage's 2 steps" },
        { "sample_order.position", 4, "is not a valid trainer state: sample_order (count 3, epochs 6, position 4) is not a position in the data" },
        // Restoring the order draws a permutation per epoch: this many would never end.
        { "sample_order.epochs", int.MaxValue, $"is not a valid trainer state: sample_order is at epoch {int.MaxValue}, but 1 steps of 16 samples from 3 reach epoch 6 at most" },
    };

    [Theory]
    [MemberData(nameof(ImpossibleCounters))]
    public void A_trainer_state_with_counters_no_run_writes_is_refused(string key, long value, string expected)
    {
        using var copy = run.Copy();
        copy.PointLatestAt("checkpoint-000001");
        string path = Path.Combine(copy.Checkpoint("checkpoint-000001"), CheckpointStore.StateFileName);
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        string[] keys = key.Split('.');
        (keys.Length == 1 ? state : state[keys[0]]!)[keys[^1]] = value;
        File.WriteAllText(path, state.ToJsonString());

        string advice = key == "sample_order.epochs" ? "" : " No earlier checkpoint is kept: start a new run in another run.output_dir";
        ShouldRefuse(copy, Resume(copy), $"cannot resume from checkpoint-000001: '{path}' {expected}. Nothing was changed.{advice}");
    }

    [Fact]
    public void A_different_seed_is_a_configuration_change()
    {
        using var copy = run.Copy();
        var before = FolderHash.Of(copy.OutputDirectory);

        var (exitCode, _, error) = ConsoleCapture.Run([.. Resume(copy), "--set", "run.seed=4"]);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Should().StartWith($"error: cannot resume from {Latest}: the training configuration differs from the one it was written with (fingerprint ")
            .And.Contain("): run.seed: '3' in the checkpoint, '4' now. Resume with the original configuration");
        FolderHash.Of(copy.OutputDirectory).Should().Equal(before);
    }
}
