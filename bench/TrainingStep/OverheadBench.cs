using System.Globalization;
using Pipeline.Host.Pipelines;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Question 1, framework overhead: the pipeline's training step (<see cref="PipelineRunner"/>, the code path of
/// <c>pipeline train</c>) against the same step written by hand (<see cref="HandWrittenLoop"/>) over an identical model
/// in the same process. The two alternate: after the pipeline's warm-up and after each of its rounds, the hook runs
/// the hand-written loop for as many steps, so both see the same machine state; the ratio is the median of the
/// per-round ratios.
/// </summary>
internal static class OverheadBench
{
    public static int Run(BenchOptions options)
    {
        var size = options.Size;
        var start = LoadCheck.Take("start");
        Console.WriteLine(size.Describe());
        using var folder = new TemporaryFolder("pipeline-bench-overhead");
        var definition = SyntheticTextRun.Load(folder.Path, options, SyntheticTextRun.Adapter.Lora);
        using var hand = new HandWrittenLoop(definition);
        // peer.py and the FLOP count assume this many supervised rows; the generated samples must give exactly that.
        if (hand.SupervisedPositions != size.Supervised)
            throw new InvalidOperationException($"the batch has {hand.SupervisedPositions} supervised positions, expected {size.Supervised}");
        var handRounds = new List<double>();
        var reporter = new StepClockReporter(options.Warmup, options.StepsPerRound)
        {
            BetweenRounds = round =>
            {
                if (round < 0) hand.TimeSteps(options.Warmup);
                else handRounds.Add(hand.TimeSteps(options.StepsPerRound));
            },
        };
        PipelineRunner.Train(definition, reporter);
        var end = LoadCheck.Take("end");

        double pipelineMs = Statistics.Median(reporter.RoundMs), handMs = Statistics.Median(handRounds);
        double ratio = Statistics.Median(reporter.RoundMs.Zip(handRounds, (p, h) => p / h).ToList());
        var row = new
        {
            Size = size.Name, options.Threads, PipelineMsPerStep = pipelineMs, HandWrittenMsPerStep = handMs, RatioMedianOfRounds = ratio,
            RatioOfMedians = pipelineMs / handMs, PipelineTokensPerSecond = size.Tokens / (pipelineMs / 1000), HandWrittenTokensPerSecond = size.Tokens / (handMs / 1000),
            PipelineRoundsMs = reporter.RoundMs, HandWrittenRoundsMs = handRounds, hand.SupervisedPositions, hand.TrainableParameters,
        };
        Console.WriteLine();
        Console.WriteLine($"{options.Warmup} warm-up steps, then {options.Rounds} rounds of {options.StepsPerRound} steps each for the pipeline and the hand-written loop in turn; medians over rounds");
        Console.WriteLine("| size | threads | pipeline ms/step | hand-written ms/step | ratio (median of per-round ratios) | pipeline tokens/s | hand-written tokens/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size.Name} | {options.Threads} | {pipelineMs:F1} | {handMs:F1} | {ratio:F3}x | {row.PipelineTokensPerSecond:F0} | {row.HandWrittenTokensPerSecond:F0} |"));
        ResultFile.Write(options, $"overhead-{size.Name}-t{options.Threads}", start, end, new[] { row });
        return 0;
    }
}
