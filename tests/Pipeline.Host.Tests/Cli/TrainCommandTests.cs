using Pipeline.Host.Reporting;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Tests.Reporting;

namespace Pipeline.Host.Tests.Cli;

public sealed class TrainCommandTests
{
    [Fact]
    public void Train_with_redirected_output_prints_plain_step_lines_and_draws_the_charts()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, output, error) = ConsoleCapture.Run("train", pipeline.ConfigPath,
            "--set", "stages.0.steps=4", "--set", "stages.1.steps=3", "--set", "run.log_every=2", "--set", "data.synthetic.eval_per_category=2");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().NotContain("\u001b", "redirected output gets no terminal control sequences");
        var steps = output.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Contains("] step ")).ToList();
        steps.Should().HaveCount(4);
        steps[0].Should().MatchRegex(@"^\[pretrain\] step 2/4 loss \d+\.\d{4} \d+ tok/s ETA \d+:\d\d$");
        steps[1].Should().MatchRegex(@"^\[pretrain\] step 4/4 loss \d+\.\d{4} \d+ tok/s took \d+:\d\d$");
        steps[2].Should().MatchRegex(@"^\[instruct\] step 2/3 loss \d+\.\d{4} \d+ tok/s ETA \d+:\d\d$");
        steps[3].Should().MatchRegex(@"^\[instruct\] step 3/3 loss \d+\.\d{4} \d+ tok/s took \d+:\d\d$");
        output.Should().Contain("instruct: held-out accuracy ")
            .And.Contain($"plots: loss.png, accuracy.png, learning_rate.png in {pipeline.OutputDirectory}");
        foreach (string chart in new[] { "loss.png", "accuracy.png", "learning_rate.png" })
            PngFile.Size(Path.Combine(pipeline.OutputDirectory, chart)).Should().Be((MetricsPlotter.Width, MetricsPlotter.Height));
    }
}
