using Pipeline.Contracts.Runtime;
using Pipeline.Plugins.Schedulers.Commit;
using static Pipeline.Plugins.Tests.Schedulers.Commit.CommitStages;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

/// <summary>The balance coefficient kappa from constructed before-step and one-side-updated answer distributions.</summary>
public sealed class CommitBalanceTests
{
    private static readonly double[,] Before = { { 0.5, 0.5 }, { 0.8, 0.2 } };
    private static readonly double[,] Moved = { { 0.75, 0.25 }, { 0.5, 0.5 } };
    private static readonly double[,] MovedLess = { { 0.6, 0.4 }, { 0.7, 0.3 } };

    // KL(Moved || Before), token by token, by hand.
    private static readonly double MovedKl =
        (0.75 * Math.Log(0.75 / 0.5) + 0.25 * Math.Log(0.25 / 0.5) + 0.5 * Math.Log(0.5 / 0.8) + 0.5 * Math.Log(0.5 / 0.2)) / 2;

    [Fact]
    public void The_mean_kl_divergence_matches_a_hand_computed_two_token_case()
    {
        double kl = FinalizerFence.Run(() =>
        {
            using var p = tensor(Moved, dtype: ScalarType.Float64).log();
            using var q = tensor(Before, dtype: ScalarType.Float64).log();
            return CommitReconstruction.MeanKlDivergence(p, q);
        });

        MovedKl.Should().BeApproximately(0.1769778, 1e-7, "0.75 ln 1.5 + 0.25 ln 0.5 = 0.1308120 and 0.5 ln 0.625 + 0.5 ln 2.5 = 0.2231436");
        kl.Should().BeApproximately(MovedKl, 1e-12);
    }

    [Fact]
    public void Identical_distributions_diverge_by_exactly_zero_even_in_float32()
    {
        double kl = FinalizerFence.Run(() =>
        {
            using var p = tensor(Before, dtype: ScalarType.Float32).log();
            return CommitReconstruction.MeanKlDivergence(p, p.clone());
        });

        kl.Should().Be(0.0);
    }

    private static CommitSchedule Measure(double[,] encoderUpdated, double[,] llmUpdated, out ConstructedStepObservation observation)
    {
        var schedule = Build(new CommitOptions());
        var constructed = new ConstructedStepObservation(9, Before, encoderUpdated, llmUpdated);
        FinalizerFence.Run(() => schedule.Observe(constructed));
        observation = constructed;
        return schedule;
    }

    [Fact]
    public void When_the_encoder_side_changes_nothing_kappa_is_zero()
    {
        var schedule = Measure(encoderUpdated: Before, llmUpdated: Moved, out var observation);

        observation.Requests.Should().Equal("", "encoder", "llm");
        schedule.Metrics["commit_kl_encoder"].Should().Be(0.0);
        schedule.Metrics["commit_kl_llm"].Should().BeApproximately(MovedKl, 1e-6);
        schedule.Metrics["commit_kappa"].Should().Be(0.0);
    }

    [Fact]
    public void When_the_llm_side_changes_nothing_kappa_is_one_up_to_epsilon()
    {
        var schedule = Measure(encoderUpdated: Moved, llmUpdated: Before, out _);

        schedule.Metrics["commit_kl_llm"].Should().Be(0.0);
        schedule.Metrics["commit_kappa"].Should().BeApproximately(1.0, 1e-9).And.BeLessThan(1.0);
    }

    [Fact]
    public void When_both_sides_move_the_answers_equally_kappa_is_one_half()
    {
        var schedule = Measure(encoderUpdated: Moved, llmUpdated: Moved, out _);

        schedule.Metrics["commit_kappa"].Should().BeApproximately(0.5, 1e-9);
    }

    [Fact]
    public void Kappa_is_the_encoder_sides_share_of_the_two_divergences()
    {
        var schedule = Measure(encoderUpdated: MovedLess, llmUpdated: Moved, out _);

        double klEncoder = (0.6 * Math.Log(0.6 / 0.5) + 0.4 * Math.Log(0.4 / 0.5) + 0.7 * Math.Log(0.7 / 0.8) + 0.3 * Math.Log(0.3 / 0.2)) / 2;
        schedule.Metrics["commit_kl_encoder"].Should().BeApproximately(klEncoder, 1e-6);
        schedule.Metrics["commit_kappa"].Should().BeApproximately(klEncoder / (klEncoder + MovedKl), 1e-5);
        schedule.Metrics["commit_kbar"].Should().Be(schedule.Metrics["commit_kappa"], "the first measurement starts the average");
    }

    [Fact]
    public void A_measurement_where_neither_side_changed_anything_is_skipped()
    {
        var schedule = Measure(encoderUpdated: Before, llmUpdated: Before, out _);

        schedule.Metrics.Should().NotContainKey("commit_kappa").And.NotContainKey("commit_kbar");
        schedule.Metrics["commit_skipped_measurements"].Should().Be(1);
        schedule.Metrics["commit_measurements"].Should().Be(0);
        schedule.AverageKappa.Should().BeNull();
    }

    [Fact]
    public void A_non_finite_divergence_stops_the_run_naming_the_step()
    {
        var schedule = Build(new CommitOptions());

        schedule.Invoking(s => s.Record(9, double.NaN, 1e-3)).Should().Throw<InvalidOperationException>()
            .WithMessage("CoMMIT measurement after step 10: D_S = NaN, D_T = 0.001; divergences must be finite and non-negative");
    }

    [Fact]
    public void Kappa_is_measured_after_every_measure_every_th_step()
    {
        var schedule = Build(new CommitOptions { MeasureEvery = 10, UpdateEvery = 50 });

        Enumerable.Range(0, 40).Where(s => schedule.WantsObservation(s)).Should().Equal(9, 19, 29, 39);
    }
}
