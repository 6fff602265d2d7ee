using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Training;

/// <summary>Means of per-sample statistics per category and over all samples, under their documented metrics keys.</summary>
public sealed class SampleStatisticTallyTests
{
    [Fact]
    public void Columns_are_averaged_over_each_categorys_samples_and_over_all_samples_across_batches()
    {
        var tally = new SampleStatisticTally();
        // Batch 1: an image sample [1, 0] and a text sample [0.25, 0.75]; batch 2: image [0.5, 0.5], image [0, 1].
        tally.Add("mole_experts", [1f, 0f, 0.25f, 0.75f], ["image", "text"]);
        tally.Add("mole_experts", [0.5f, 0.5f, 0f, 1f], ["image", "image"]);
        tally.Add("a", [2f, 4f], ["text", "image"]);

        tally.Means().Should().Equal(new Dictionary<string, double>
        {
            ["stat_a_0"] = 3, ["stat_a_image_0"] = 4, ["stat_a_text_0"] = 2,
            ["stat_mole_experts_0"] = 1.75 / 4, ["stat_mole_experts_1"] = 2.25 / 4,
            ["stat_mole_experts_image_0"] = 0.5, ["stat_mole_experts_image_1"] = 0.5,
            ["stat_mole_experts_text_0"] = 0.25, ["stat_mole_experts_text_1"] = 0.75,
        });
        tally.Means().Keys.Should().Equal("stat_a_0", "stat_a_image_0", "stat_a_text_0", "stat_mole_experts_0", "stat_mole_experts_1",
            "stat_mole_experts_image_0", "stat_mole_experts_image_1", "stat_mole_experts_text_0", "stat_mole_experts_text_1");
    }

    [Fact]
    public void Nothing_reported_gives_no_keys()
    {
        new SampleStatisticTally().Means().Should().BeEmpty();
    }

    [Fact]
    public void A_statistic_whose_column_count_changes_between_batches_is_an_error()
    {
        var tally = new SampleStatisticTally();
        tally.Add("experts", [1f, 0f, 0f, 1f], ["text", "text"]);

        var act = () => tally.Add("experts", [1f, 0f, 0f, 0f, 1f, 0f], ["text", "text"]);

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("sample statistic 'experts' was reported with 2 columns in one evaluation batch and 3 in another");
    }

    [Fact]
    public void Values_that_do_not_split_into_one_equal_row_per_sample_are_an_error()
    {
        var act = () => new SampleStatisticTally().Add("experts", [1f, 0f, 0f, 1f, 0.5f], ["text", "image"]);

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("sample statistic 'experts' has 5 values for 2 samples; it needs the same number of columns for every sample");
    }

    [Fact]
    public void Two_statistics_that_would_share_a_key_are_an_error_naming_both()
    {
        var tally = new SampleStatisticTally();
        tally.Add("m", [1f], ["x"]);
        tally.Add("m_x", [1f], ["y"]);

        var act = () => tally.Means();

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("sample statistics 'm' (category 'x') and 'm_x' (all samples) both give the metrics key 'stat_m_x_0'; rename one of the statistics");
    }
}
