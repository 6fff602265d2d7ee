using System.Text.Json.Nodes;
using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Checkpoints;

public sealed class StagePositionResumeTests
{
    [Fact]
    public void A_checkpoint_whose_stage_index_or_name_was_edited_is_refused_before_anything_changes()
    {
        using var pipeline = new TinyPipeline();
        string[] shortRun = ["--plain", "--set", "stages.0.steps=2", "--set", "stages.1.steps=1", "--set", "data.synthetic.eval_per_category=2"];
        ConsoleCapture.Run(["train", pipeline.ConfigPath, .. shortRun]).ExitCode.Should().Be(0);
        string checkpoints = Path.Combine(pipeline.OutputDirectory, "checkpoints");
        string state = Path.Combine(checkpoints, "checkpoint-000002", "trainer_state.json");
        var edited = JsonNode.Parse(File.ReadAllText(state))!;
        edited["stage_index"] = 7;
        File.WriteAllText(state, edited.ToJsonString());
        File.WriteAllText(Path.Combine(checkpoints, "latest"), "checkpoint-000002");
        var before = Directory.GetFiles(pipeline.OutputDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var (exitCode, _, error) = ConsoleCapture.Run(["train", pipeline.ConfigPath, "--resume", .. shortRun]);

        exitCode.Should().Be(CommandErrors.RunError);
        error.Should().StartWith("error: cannot resume from checkpoint-000002: it says it was written in stage 7 'pretrain', " +
            "but the pipeline's stages are 0 'pretrain', 1 'instruct'; its trainer_state.json is damaged. Nothing was changed.");
        var after = Directory.GetFiles(pipeline.OutputDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        after.Keys.Should().BeEquivalentTo(before.Keys);
        foreach (var (file, bytes) in before) after[file].Should().Equal(bytes, file);
    }
}
