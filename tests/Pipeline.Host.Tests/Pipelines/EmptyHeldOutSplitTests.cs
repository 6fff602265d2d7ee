using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Cli;

namespace Pipeline.Host.Tests.Pipelines;

public sealed class EmptyHeldOutSplitTests
{
    [Fact]
    public void A_held_out_split_with_no_samples_is_refused_before_training_when_a_stage_evaluates()
    {
        using var data = new LlavaDataFolder();
        data.WriteTrain();
        File.WriteAllText(Path.Combine(data.DataDirectory, "eval.json"), "[]\n");
        File.WriteAllText(data.ConfigPath, File.ReadAllText(data.ConfigPath).Replace("pretrain: data/eval.json", "pretrain: data/train.json"));

        var (exitCode, _, error) = ConsoleCapture.Run("train", data.ConfigPath, "--plain");

        exitCode.Should().Be(CommandErrors.RunError);
        error.Trim().Should().Be("error: stage 'pretrain' evaluates on the held-out split, but split 'eval' has no samples; " +
            "give the data a held-out split (data.llava.eval for conversation files) or set evaluate: false on the stages");
        Directory.Exists(data.OutputDirectory).Should().BeFalse("nothing is written before training");

        var withoutEvaluation = ConsoleCapture.Run("train", data.ConfigPath, "--plain", "--set", "stages.0.evaluate=false", "--set", "stages.1.evaluate=false");
        withoutEvaluation.ExitCode.Should().Be(0, withoutEvaluation.Error);
    }
}
