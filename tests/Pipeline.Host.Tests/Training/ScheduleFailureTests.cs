using Pipeline.Contracts.Runtime;
using Pipeline.Contracts.Schedulers;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Training;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Training;

/// <summary>
/// A scheduler plugin that throws mid-training, or returns a learning rate that is not a finite number of at least 0,
/// is reported by plugin, stage and step before the optimizer uses what it returned.
/// </summary>
public sealed class ScheduleFailureTests
{
    /// <summary>The member of <see cref="FailingSchedule"/> that throws at step index 2 (the stage's step 3).</summary>
    public enum Member { LearningRate, WantsObservation, Observe, AuxiliaryLoss, Metrics }

    /// <summary>A constant schedule that measures every step and throws from one member at step index 2.</summary>
    private sealed class FailingSchedule(Member failing) : ILearningRateSchedule
    {
        private long _step;

        private void ThrowAt(Member member)
        {
            if (member == failing && _step == 2) throw new InvalidOperationException(FailingPlugins.Failure);
        }

        public double LearningRate(string group, long step)
        {
            _step = step;
            ThrowAt(Member.LearningRate);
            return 1e-3;
        }

        public bool WantsObservation(long step)
        {
            ThrowAt(Member.WantsObservation);
            return true;
        }

        public void Observe(IStepObservation observation) => ThrowAt(Member.Observe);

        public Tensor? AuxiliaryLoss(Tensor answerLogits)
        {
            ThrowAt(Member.AuxiliaryLoss);
            return null;
        }

        public IReadOnlyDictionary<string, double> Metrics
        {
            get
            {
                ThrowAt(Member.Metrics);
                return new Dictionary<string, double>();
            }
        }
    }

    /// <summary>Returns <paramref name="rate"/> for the LLM's groups from step index 2 on.</summary>
    private sealed class BadRateSchedule(double rate) : ILearningRateSchedule
    {
        public double LearningRate(string group, long step) => group == "llm" && step >= 2 ? rate : 1e-3;
    }

    [Theory]
    [InlineData(Member.LearningRate)]
    [InlineData(Member.WantsObservation)]
    [InlineData(Member.Observe)]
    [InlineData(Member.AuxiliaryLoss)]
    [InlineData(Member.Metrics)]
    public void A_schedule_that_throws_is_named_with_the_stage_and_step(Member member)
    {
        string? plugin = null;
        using var run = new TinyStageSession(selection =>
        {
            plugin = selection.Plugin;
            return new FailingSchedule(member);
        });

        var act = () => run.Run();

        var failure = act.Should().Throw<PluginFailureException>().Which;
        plugin.Should().Be("constant", "the stage names no scheduler, so it gets the default");
        failure.Message.Should().Be($"scheduler plugin 'constant' failed at stage 'pretrain' step 3: {FailingPlugins.Failure}");
        (failure.Kind, failure.Name).Should().Be(("scheduler", "constant"));
        failure.InnerException.Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public void A_scheduler_factory_that_returns_null_is_named()
    {
        using var run = new TinyStageSession(_ => null!);

        var act = () => run.Run();

        act.Should().Throw<PluginFailureException>().WithMessage("scheduler plugin 'constant' failed while being built: it returned null instead of a schedule");
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(-1e-3, "-0.001")]
    public void A_learning_rate_that_is_not_finite_or_negative_is_refused_before_the_optimizer_uses_it(double rate, string text)
    {
        using var run = new TinyStageSession(_ => new BadRateSchedule(rate));
        var llm = run.Built.Inventory.All.First(p => p.Name.StartsWith("llm.", StringComparison.Ordinal)).Parameter;

        var act = () => run.Run();

        act.Should().Throw<PluginFailureException>().WithMessage(
            $"scheduler plugin 'constant' failed at stage 'pretrain' step 3: it returned the learning rate {text} for group 'llm'; " +
            "a learning rate must be a finite number of at least 0");
        run.TrainRecords().Should().HaveCount(2);
        FinalizerFence.Run(() => llm.isfinite().all().item<bool>()).Should().BeTrue();
    }
}
