using Pipeline.Contracts.Schedulers;
using Pipeline.Plugins.Schedulers;
using Pipeline.Plugins.Schedulers.Commit;
using static Pipeline.Plugins.Tests.Schedulers.Commit.CommitStages;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

/// <summary>The moving average, the multipliers and the rates they give, checked against hand-computed values.</summary>
public sealed class CommitMultiplierTests
{
    private static readonly CommitOptions Exact = new() { MeasureEvery = 10, UpdateEvery = 20, Epsilon = 0 };

    private static void Record(CommitSchedule schedule, long step, double kappa)
    {
        var (encoder, llm) = KlFor(kappa);
        schedule.Record(step, encoder, llm);
    }

    [Fact]
    public void Kbar_starts_at_the_first_kappa_then_follows_the_moving_average()
    {
        var schedule = Build(Exact);
        var averages = new List<double>();

        foreach (var (step, kappa) in new[] { (9L, 0.2), (19L, 0.6), (29L, 0.9), (39L, 0.5) })
        {
            Record(schedule, step, kappa);
            averages.Add(schedule.AverageKappa!.Value);
        }

        // 0.2; 0.9 * 0.2 + 0.1 * 0.6 = 0.24; 0.9 * 0.24 + 0.1 * 0.9 = 0.306; 0.9 * 0.306 + 0.1 * 0.5 = 0.3254
        averages.Should().Equal([0.2, 0.24, 0.306, 0.3254], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Theory]
    [InlineData(0.2, 1.0, 2.5, 0.625)] // 0.5 / 0.2 and 0.5 / 0.8
    [InlineData(0.5, 1.0, 1.0, 1.0)]
    [InlineData(0.01, 1.0, 10.0, 0.5050505050505051)] // 50 clipped to 10; 0.5 / 0.99
    [InlineData(0.999, 1.0, 0.5005005005005005, 10.0)] // 500 clipped to 10
    [InlineData(0.9, 4.0, 0.1, 10.0)] // (5/9)^4 = 0.0953 clipped up to 0.1; 5^4 = 625 clipped to 10
    [InlineData(0.0, 1.0, 10.0, 0.5)] // 0.5 / 0 is infinite: clipped
    [InlineData(0.3, 0.0, 1.0, 1.0)] // gamma 0 switches the multipliers off
    public void The_multipliers_are_the_clipped_power_of_half_over_kbar(double kbar, double gamma, double encoder, double llm)
    {
        var multipliers = CommitReconstruction.Multipliers(kbar, gamma, 0.1, 10);

        multipliers.Encoder.Should().BeApproximately(encoder, 1e-15);
        multipliers.Llm.Should().BeApproximately(llm, 1e-15);
    }

    [Fact]
    public void Each_sides_rate_is_its_base_rate_times_its_multiplier_exactly()
    {
        var options = Exact with { Base = new PluginSelection { Plugin = "warmup_cosine", Options = new WarmupCosineOptions { WarmupSteps = 5 } } };
        var schedule = Build(options, totalSteps: 100);
        var baseSchedule = new WarmupCosineScheduleFactory().Create(new WarmupCosineOptions { WarmupSteps = 5 }, Context(100));

        Record(schedule, 9, 0.2);
        Record(schedule, 19, 0.2);

        schedule.CurrentMultipliers.Should().Be(new SideMultipliers(0.5 / 0.2, 0.5 / 0.8));
        for (long step = 0; step < 100; step++)
        {
            double encoder = step < 20 ? 1.0 : 0.5 / 0.2, llm = step < 20 ? 1.0 : 0.5 / 0.8;
            schedule.LearningRate("encoder", step).Should().Be(baseSchedule.LearningRate("encoder", step) * encoder);
            schedule.LearningRate("llm", step).Should().Be(baseSchedule.LearningRate("llm", step) * llm);
        }
    }

    [Fact]
    public void The_multipliers_change_only_after_every_update_every_th_step()
    {
        var schedule = Build(Exact);
        var history = new List<(long Step, SideMultipliers Multipliers)>();

        foreach (var (step, kappa) in new[] { (9L, 0.25), (19L, 0.25), (29L, 0.75), (39L, 0.75) })
        {
            Record(schedule, step, kappa);
            history.Add((step, schedule.CurrentMultipliers));
        }

        // kbar: 0.25, 0.25 -> update (2, 2/3); 0.3, 0.345 -> update (0.5 / 0.345, 0.5 / 0.655)
        history[0].Multipliers.Should().Be(SideMultipliers.None, "step 9 measures but does not update");
        history[1].Multipliers.Encoder.Should().BeApproximately(2.0, 1e-12);
        history[1].Multipliers.Llm.Should().BeApproximately(2.0 / 3.0, 1e-12);
        history[2].Multipliers.Should().Be(history[1].Multipliers, "step 29 measures but does not update");
        history[3].Multipliers.Encoder.Should().BeApproximately(0.5 / 0.345, 1e-12);
        history[3].Multipliers.Llm.Should().BeApproximately(0.5 / 0.655, 1e-12);
        schedule.MultipliersFromStep.Should().Be(40);
    }

    [Fact]
    public void The_rate_of_the_step_that_triggered_an_update_still_uses_the_multipliers_it_ran_with()
    {
        var schedule = Build(Exact with { Base = new PluginSelection { Plugin = "constant" } });

        Record(schedule, 9, 0.2);
        Record(schedule, 19, 0.2);

        schedule.LearningRate("encoder", 19).Should().Be(EncoderBase);
        schedule.LearningRate("encoder", 20).Should().Be(EncoderBase * 2.5);
        schedule.Metrics["commit_multiplier_encoder"].Should().Be(2.5, "the metrics show the multipliers of the coming steps");
    }

    [Fact]
    public void Before_any_measurement_the_rates_are_the_base_schedules()
    {
        var schedule = Build(new CommitOptions(), totalSteps: 30);
        var baseSchedule = new WarmupCosineScheduleFactory().Create(new WarmupCosineOptions(), Context(30));

        Enumerable.Range(0, 30).Should().OnlyContain(s =>
            schedule.LearningRate("llm", s) == baseSchedule.LearningRate("llm", s) &&
            schedule.LearningRate("encoder", s) == baseSchedule.LearningRate("encoder", s));
        schedule.Metrics.Should().Contain("commit_multiplier_encoder", 1.0).And.Contain("commit_multiplier_llm", 1.0)
            .And.Contain("commit_active", 1.0).And.NotContainKey("commit_kappa");
    }

    [Theory]
    [InlineData("llm", false)]
    [InlineData("encoder", false)]
    [InlineData("llm", true)]
    public void With_one_side_not_training_the_schedule_is_inactive(string trainedSide, bool otherSideListedEmpty)
    {
        var groups = new List<ParameterGroupInfo> { new(trainedSide, trainedSide == "llm" ? LlmBase : EncoderBase, 1000) };
        if (otherSideListedEmpty) groups.Add(new ParameterGroupInfo(trainedSide == "llm" ? "encoder" : "llm", 1e-3, 0));
        var schedule = Build(new CommitOptions(), totalSteps: 100, groups);
        using var logits = TorchSharp.torch.tensor(new double[,] { { 3, 0 }, { 0, 1 } });

        schedule.IsActive.Should().BeFalse();
        Enumerable.Range(0, 100).Should().NotContain(s => schedule.WantsObservation(s));
        schedule.LearningRate(trainedSide, 60).Should().Be(groups[0].BaseLearningRate * (1 + Math.Cos(Math.PI * 60 / 99)) / 2);
        schedule.AuxiliaryLoss(logits).Should().BeNull();
        schedule.Metrics.Should().Contain("commit_active", 0.0).And.Contain("commit_multiplier_encoder", 1.0)
            .And.Contain("commit_multiplier_llm", 1.0).And.Contain("commit_aux_weight", 0.0);
    }
}
