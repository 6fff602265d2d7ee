using Pipeline.Contracts.Schedulers;
using Pipeline.Plugins.Schedulers.Commit;
using static Pipeline.Plugins.Tests.Schedulers.Commit.CommitStages;

namespace Pipeline.Plugins.Tests.Schedulers.Commit;

/// <summary>SaveState / LoadState: a resumed schedule schedules exactly as the uninterrupted one.</summary>
public sealed class CommitStateTests
{
    private static readonly CommitOptions Options = new() { MeasureEvery = 5, UpdateEvery = 10 };

    private static void Feed(CommitSchedule schedule, long fromStep, long toStep)
    {
        for (long step = fromStep; step < toStep; step++)
        {
            if (!schedule.WantsObservation(step)) continue;
            // A deterministic but uneven sequence, with one uninformative measurement.
            double encoder = step == 24 ? 0 : 1e-3 * (1 + step % 7), llm = step == 24 ? 0 : 2e-3 * (1 + step % 3);
            schedule.Record(step, encoder, llm);
        }
    }

    [Fact]
    public void A_resumed_schedule_continues_exactly_like_the_uninterrupted_one()
    {
        var uninterrupted = Build(Options);
        var interrupted = Build(Options);
        Feed(uninterrupted, 0, 40);
        Feed(interrupted, 0, 40);

        var saved = interrupted.SaveState();
        var resumed = Build(Options);
        resumed.LoadState(saved);

        resumed.SaveState().Should().Equal(saved);
        resumed.Metrics.Should().Equal(interrupted.Metrics);
        saved["skipped_measurements"].Should().Be(1, "the uninformative measurement at step 24 is part of the state");
        for (long step = 40; step < 100; step++)
        {
            foreach (string side in new[] { "encoder", "llm" })
                resumed.LearningRate(side, step).Should().Be(uninterrupted.LearningRate(side, step), "step {0}, {1}", step, side);
            Feed(uninterrupted, step, step + 1);
            Feed(resumed, step, step + 1);
        }
        resumed.SaveState().Should().Equal(uninterrupted.SaveState());
        resumed.Metrics.Should().Equal(uninterrupted.Metrics);
        resumed.CurrentMultipliers.Should().NotBe(SideMultipliers.None, "the test must cover updated multipliers");
    }

    [Fact]
    public void The_state_is_plain_finite_numbers_and_carries_the_base_schedules_state_under_base()
    {
        var stateful = new StatefulBase { Counter = 7 };
        var schedule = new CommitSchedule(Options, stateful, BothSides);
        schedule.Record(4, 1e-3, 3e-3);

        var state = schedule.SaveState();

        state.Values.Should().OnlyContain(v => double.IsFinite(v));
        state.Should().Contain("base.counter", 7).And.Contain("measurements", 1);
        state["kbar"].Should().BeApproximately(0.25, 1e-9);

        var restoredBase = new StatefulBase();
        new CommitSchedule(Options, restoredBase, BothSides).LoadState(state);
        restoredBase.Loaded.Should().Equal(new Dictionary<string, double> { ["counter"] = 7 });
    }

    [Fact]
    public void A_state_missing_a_value_is_refused_naming_the_key()
    {
        var state = Build(Options).SaveState().Where(kv => kv.Key != "kbar").ToDictionary();

        Build(Options).Invoking(s => s.LoadState(state)).Should().Throw<InvalidDataException>()
            .WithMessage("the commit schedule's saved state has no finite 'kbar'");
    }

    private sealed class StatefulBase : ILearningRateSchedule
    {
        public double Counter { get; init; }

        public IReadOnlyDictionary<string, double>? Loaded { get; private set; }

        public double LearningRate(string group, long step) => 1e-3;

        public IReadOnlyDictionary<string, double> SaveState() => new Dictionary<string, double> { ["counter"] = Counter };

        public void LoadState(IReadOnlyDictionary<string, double> state) => Loaded = state;
    }
}
