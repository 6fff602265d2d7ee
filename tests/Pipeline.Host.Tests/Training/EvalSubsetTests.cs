using Pipeline.Host.Config;
using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Training;

public sealed class EvalSubsetTests
{
    [Fact]
    public void The_subset_is_the_same_for_the_same_seed_and_holds_distinct_indexes_in_split_order()
    {
        var first = EvalSubset.Choose(splitCount: 300, size: 40, runSeed: 7)!;
        var again = EvalSubset.Choose(splitCount: 300, size: 40, runSeed: 7)!;

        again.Indexes.Should().Equal(first.Indexes);
        first.Indexes.Should().HaveCount(40).And.OnlyHaveUniqueItems().And.BeInAscendingOrder()
            .And.OnlyContain(i => i >= 0 && i < 300);
        first.SplitCount.Should().Be(300);
    }

    [Fact]
    public void Another_seed_chooses_other_samples()
    {
        var seven = EvalSubset.Choose(splitCount: 300, size: 40, runSeed: 7)!;
        var eight = EvalSubset.Choose(splitCount: 300, size: 40, runSeed: 8)!;

        eight.Indexes.Should().NotEqual(seven.Indexes);
    }

    [Fact]
    public void The_subset_is_spread_over_the_split_rather_than_its_first_samples()
    {
        // The split is ordered by category: a prefix would hold one category only.
        var subset = EvalSubset.Choose(splitCount: 300, size: 30, runSeed: 7)!;

        subset.Indexes.Count(i => i < 100).Should().BeInRange(1, 29);
        subset.Indexes.Count(i => i >= 200).Should().BeInRange(1, 29);
    }

    [Fact]
    public void A_smaller_subset_of_the_same_run_is_part_of_a_larger_one()
    {
        var small = EvalSubset.Choose(splitCount: 300, size: 20, runSeed: 7)!;
        var large = EvalSubset.Choose(splitCount: 300, size: 100, runSeed: 7)!;

        large.Indexes.Should().Contain(small.Indexes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(31)]
    public void No_subset_when_none_is_asked_for_or_it_would_hold_the_whole_split(int size)
    {
        EvalSubset.Choose(splitCount: 30, size: size, runSeed: 7).Should().BeNull();
    }

    [Fact]
    public void Applying_the_subset_picks_those_items_in_split_order()
    {
        string[] split = Enumerable.Range(0, 50).Select(i => $"sample-{i}").ToArray();
        var subset = EvalSubset.Choose(split.Length, 5, runSeed: 3)!;

        subset.Apply(split).Should().Equal(subset.Indexes.Select(i => $"sample-{i}"));
    }

    [Fact]
    public void Applying_the_subset_to_a_split_of_another_size_is_refused()
    {
        var subset = EvalSubset.Choose(splitCount: 50, size: 5, runSeed: 3)!;

        var apply = () => subset.Apply(new int[49]);

        apply.Should().Throw<ArgumentException>().WithMessage("the subset was chosen from 50 samples, but the split has 49*");
    }

    [Fact]
    public void A_stage_with_eval_samples_says_how_its_periodic_evaluations_are_made()
    {
        var log = new List<string>();
        var stage = new StageConfig { Name = "instruct", EvalEvery = 50, EvalSamples = 100 };

        var subset = EvalSubset.ForStage(stage, splitCount: 300, runSeed: 7, log.Add);
        var whole = EvalSubset.ForStage(stage with { EvalSamples = 300 }, splitCount: 300, runSeed: 7, log.Add);
        var unset = EvalSubset.ForStage(stage with { EvalSamples = 0 }, splitCount: 300, runSeed: 7, log.Add);

        subset!.Indexes.Should().Equal(EvalSubset.Choose(300, 100, 7)!.Indexes);
        whole.Should().BeNull();
        unset.Should().BeNull();
        log.Should().Equal(
            "stage 'instruct': the evaluations every 50 steps use the same 100 of the 300 held-out samples (eval_samples); the stage-end evaluation uses them all",
            "stage 'instruct': eval_samples 300 is not less than the 300 held-out samples; the evaluations every 50 steps use them all");
    }

    [Fact]
    public void A_stage_without_periodic_evaluations_needs_no_subset_and_says_nothing()
    {
        var log = new List<string>();
        var stage = new StageConfig { Name = "pretrain", EvalEvery = 50, EvalSamples = 100 };

        EvalSubset.ForStage(stage with { Evaluate = false }, splitCount: 300, runSeed: 7, log.Add).Should().BeNull();
        EvalSubset.ForStage(stage with { EvalEvery = 0 }, splitCount: 300, runSeed: 7, log.Add).Should().BeNull();
        log.Should().BeEmpty();
    }
}
