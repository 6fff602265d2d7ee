using Pipeline.Contracts.Runtime;
using Pipeline.Plugins.Schedulers.Commit;
using static Pipeline.Plugins.Tests.Schedulers.Commit.CommitStages;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

/// <summary>The entropy term <c>L_aux = -lambda * |2 kbar - 1| * mean H(p)</c>.</summary>
public sealed class CommitAuxiliaryLossTests
{
    // Rows softmax to (1/2, 1/2) and (3/4, 1/4).
    private static readonly double[,] Logits = { { 0.0, 0.0 }, { Math.Log(3), 0.0 } };
    private static readonly double MeanEntropy = (Math.Log(2) - (0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25))) / 2;

    private static CommitSchedule WithAverage(double kbar, double auxWeight = 0.01)
    {
        var schedule = Build(new CommitOptions { AuxWeight = auxWeight, Epsilon = 0 });
        var (encoder, llm) = KlFor(kbar);
        schedule.Record(9, encoder, llm);
        return schedule;
    }

    [Fact]
    public void The_loss_is_minus_the_weighted_mean_entropy_of_the_answer_distributions()
    {
        var schedule = WithAverage(0.2);

        double loss = FinalizerFence.Run(() =>
        {
            using var scope = NewDisposeScope();
            return schedule.AuxiliaryLoss(tensor(Logits, dtype: ScalarType.Float64))!.item<double>();
        });

        MeanEntropy.Should().BeApproximately(0.6277411, 1e-7, "ln 2 = 0.6931472 and -(0.75 ln 0.75 + 0.25 ln 0.25) = 0.5623351");
        schedule.AuxiliaryWeight.Should().BeApproximately(0.01 * 0.6, 1e-15, "|2 * 0.2 - 1| = 0.6");
        loss.Should().BeApproximately(-0.006 * MeanEntropy, 1e-12);
    }

    [Fact]
    public void A_gradient_step_on_the_loss_raises_the_entropy()
    {
        var schedule = WithAverage(0.9);

        var (before, after, gradient) = FinalizerFence.Run(() =>
        {
            using var scope = NewDisposeScope();
            Tensor logits = tensor(Logits, dtype: ScalarType.Float64).requires_grad_();
            schedule.AuxiliaryLoss(logits)!.backward();
            using var noGrad = no_grad();
            double entropyBefore = CommitReconstruction.MeanEntropy(logits).item<double>();
            Tensor stepped = logits - logits.grad! * 10.0;
            return (entropyBefore, CommitReconstruction.MeanEntropy(stepped).item<double>(), logits.grad!.data<double>().ToArray());
        });

        after.Should().BeGreaterThan(before);
        gradient[2].Should().BeGreaterThan(0, "descending the loss lowers the likelier answer's logit");
        gradient[3].Should().BeLessThan(0);
        gradient[0].Should().BeApproximately(0, 1e-15, "a uniform row is already at maximum entropy");
    }

    [Theory]
    [InlineData(0.5, 0.01)] // balanced: |2 kbar - 1| = 0
    [InlineData(0.2, 0.0)] // aux_weight 0
    public void With_a_zero_weight_there_is_no_auxiliary_loss(double kbar, double auxWeight)
    {
        using var logits = tensor(Logits);

        WithAverage(kbar, auxWeight).AuxiliaryLoss(logits).Should().BeNull();
    }

    [Fact]
    public void Before_the_first_measurement_there_is_no_auxiliary_loss()
    {
        using var logits = tensor(Logits);

        Build(new CommitOptions()).AuxiliaryLoss(logits).Should().BeNull();
    }
}
