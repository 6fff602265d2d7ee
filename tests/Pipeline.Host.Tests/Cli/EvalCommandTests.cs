using System.Text.Json;
using Pipeline.Contracts.Runtime;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Cli;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Cli;

public sealed class EvalCommandTests
{
    private const string CheckpointName = "step-000010";

    /// <summary>
    /// Builds the tiny pipeline's model the way training does, moves what an instruction stage trains (adapters and
    /// projectors) to new values, evaluates in-process, and checkpoints only those weights, as a run's checkpoint
    /// holds only what the run trained. Returns the in-process results before and after the change.
    /// </summary>
    private static (EvaluationResult Untrained, EvaluationResult Trained, int Tensors) WriteCheckpoint(TinyPipeline pipeline)
    {
        var definition = PipelineLoader.Load(pipeline.ConfigPath);
        var (tokenizer, splits) = DataFactory.Load(definition);
        using var built = ModelFactory.Build(definition, tokenizer.VocabularySize, CPU);
        var collator = new BatchCollator(tokenizer, built.Model, built.Model.Llm.Options.MaxSequenceLength);
        var evaluator = new Evaluator(built.Model, collator, CPU, definition.Config.Data.EvalBatchSize);
        var untrained = evaluator.Evaluate(splits.Eval);

        var trained = built.Inventory.Select(["adapters", "projectors"], built.Model.Encoders.Keys.ToList());
        FinalizerFence.Run(() =>
        {
            using var noGrad = no_grad();
            using var generator = new Generator(11);
            foreach (var (_, parameter) in trained)
            {
                using var noise = randn(parameter.shape, generator: generator);
                parameter.add_(noise.mul_(0.2));
            }
            return 0;
        });
        var evaluation = evaluator.Evaluate(splits.Eval);

        string folder = CheckpointLocation.Folder(definition.OutputDirectory);
        SafetensorsCheckpoint.Write(Path.Combine(folder, CheckpointName), trained.Select(p => (p.Name, (Tensor)p.Parameter)).ToList());
        File.WriteAllText(Path.Combine(folder, CheckpointLocation.LatestFileName), CheckpointName + "\n");
        return (untrained, evaluation, trained.Count);
    }

    private static JsonElement LastRecord(TinyPipeline pipeline) =>
        JsonDocument.Parse(File.ReadLines(Path.Combine(pipeline.OutputDirectory, EvalCommand.RecordFileName)).Last()).RootElement;

    [Fact]
    public void Eval_of_the_latest_checkpoint_reproduces_the_in_process_evaluation_exactly()
    {
        using var pipeline = new TinyPipeline();
        var (untrained, expected, tensors) = WriteCheckpoint(pipeline);
        expected.Loss.Should().NotBe(untrained.Loss, "the checkpointed weights must matter for this test to mean anything");

        var (exitCode, output, error) = ConsoleCapture.Run("eval", pipeline.ConfigPath);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        string checkpoint = Path.Combine(pipeline.OutputDirectory, CheckpointLocation.FolderName, CheckpointName);
        output.Should().StartWith($"checkpoint {checkpoint}: {tensors} tensors loaded; ")
            .And.Contain("model entries not in it keep their initial values (seed 3)");
        var record = LastRecord(pipeline);
        record.GetProperty("kind").GetString().Should().Be("eval");
        record.GetProperty("checkpoint").GetString().Should().Be(checkpoint);
        record.GetProperty("samples").GetInt32().Should().Be(expected.Samples);
        record.GetProperty("eval_loss").GetDouble().Should().Be(expected.Loss);
        record.GetProperty("accuracy").GetDouble().Should().Be(expected.Accuracy);
        foreach (var (category, accuracy) in expected.AccuracyByCategory)
        {
            record.GetProperty($"accuracy_{category}").GetDouble().Should().Be(accuracy);
            output.Should().MatchRegex(FormattableString.Invariant($@"\n\s*{category}\s+10\s+{(int)Math.Round(accuracy * 10)}\s+{accuracy * 100:F1} %"));
        }
        output.Should().MatchRegex(FormattableString.Invariant($@"\n\s*overall\s+30\s+{(int)Math.Round(expected.Accuracy * 30)}\s+{expected.Accuracy * 100:F1} %"));
    }

    [Fact]
    public void Eval_takes_a_checkpoint_directory_and_refuses_tensors_the_model_lacks()
    {
        using var pipeline = new TinyPipeline();
        var (_, expected, _) = WriteCheckpoint(pipeline);
        string checkpoint = Path.Combine(pipeline.OutputDirectory, CheckpointLocation.FolderName, CheckpointName);

        var (exitCode, _, error) = ConsoleCapture.Run("eval", pipeline.ConfigPath, "--checkpoint", checkpoint);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        LastRecord(pipeline).GetProperty("eval_loss").GetDouble().Should().Be(expected.Loss);

        // The same checkpoint against a model without the LoRA adapter: its tensors have nowhere to go.
        string other = pipeline.ConfigPath.Replace(".yaml", ".no-adapter.yaml");
        File.WriteAllText(other, File.ReadAllText(pipeline.ConfigPath).Replace("plugin: lora", "plugin: lora\n      name: other"));
        (exitCode, _, error) = ConsoleCapture.Run("eval", other, "--checkpoint", checkpoint);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Should().StartWith($"error: '{checkpoint}' holds 4 tensors this pipeline's model does not have (llm.")
            .And.Contain("was it trained with another configuration?");
    }

    [Fact]
    public void Eval_without_a_checkpoint_says_what_it_looked_for()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, _, error) = ConsoleCapture.Run("eval", pipeline.ConfigPath);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Trim().Should().Be($"error: '{pipeline.OutputDirectory}' is not a checkpoint: it has no model.safetensors, " +
                                 "and neither it nor its checkpoints/ folder has a 'latest' file");
    }
}
