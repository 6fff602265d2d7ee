using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixSummaryTableTests : IDisposable
{
    private readonly MatrixFixture _matrix = new();

    public void Dispose() => _matrix.Dispose();

    private static readonly SummarySettings OverSchedule = new() { Over = ["schedule"] };

    private CellResult Cell(int index, string adapter, string schedule, double accuracy) =>
        _matrix.Cell(index, adapter, schedule, CellStatus.Finished, new Dictionary<string, double> { [MatrixMetrics.Accuracy] = accuracy, [MatrixMetrics.Steps] = 50 });

    [Fact]
    public void A_group_has_the_mean_and_the_sample_standard_deviation_of_its_finished_cells_and_counts_the_others_apart()
    {
        var results = MatrixFixture.Results([
            Cell(0, "lora", "s1", 0.5), Cell(1, "lora", "s2", 0.7), Cell(2, "lora", "s3", 0.9),
            _matrix.Cell(3, "lora", "s4", CellStatus.Failed, error: "boom"),
            _matrix.Cell(4, "lora", "s5", CellStatus.NotStarted),
            Cell(5, "dora", "s1", 0.6),
        ]);

        var groups = MatrixSummaryTable.Groups(results, OverSchedule);

        groups.Select(g => g.Name).Should().Equal("adapter=lora", "adapter=dora");
        var lora = groups[0];
        (lora.Finished, lora.Failed, lora.Unfinished).Should().Be((3, 1, 1));
        lora.Means[MatrixMetrics.Accuracy].Should().BeApproximately(0.7, 1e-12);
        lora.Deviations[MatrixMetrics.Accuracy].Should().BeApproximately(0.2, 1e-12, "sqrt((0.04 + 0 + 0.04) / 2)");
        lora.Means[MatrixMetrics.Steps].Should().Be(50);
        lora.Deviations[MatrixMetrics.Steps].Should().Be(0);
        groups[1].Means[MatrixMetrics.Accuracy].Should().Be(0.6);
        groups[1].Deviations.Should().NotContainKey(MatrixMetrics.Accuracy, "one cell has no sample deviation");
    }

    [Fact]
    public void A_metric_one_finished_cell_lacks_is_left_empty_rather_than_averaged_over_the_others()
    {
        var results = MatrixFixture.Results([
            Cell(0, "lora", "s1", 0.5),
            _matrix.Cell(1, "lora", "s2", CellStatus.Finished, new Dictionary<string, double> { [MatrixMetrics.Steps] = 50 }),
        ]);

        var lora = MatrixSummaryTable.Groups(results, OverSchedule).Single();

        lora.Means.Should().ContainKey(MatrixMetrics.Steps).And.NotContainKey(MatrixMetrics.Accuracy);
        lora.Having(MatrixMetrics.Accuracy).Should().Be(1);
    }

    [Fact]
    public void The_best_label_is_the_one_with_the_best_mean_per_arm_and_a_tie_goes_to_the_first_in_axis_order()
    {
        // adapter x schedule (here the "learning rate") x nothing averaged: each cell its own group.
        var results = MatrixFixture.Results([
            Cell(0, "lora", "fast", 0.6), Cell(1, "lora", "slow", 0.8), Cell(2, "lora", "mid", 0.8),
            Cell(3, "dora", "fast", 0.7), _matrix.Cell(4, "dora", "slow", CellStatus.Failed, error: "boom"),
            _matrix.Cell(5, "mma", "fast", CellStatus.Failed, error: "boom"),
        ]);
        var settings = new SummarySettings { Over = [] };
        var groups = MatrixSummaryTable.Groups(results, settings);

        var best = MatrixSummaryTable.Best(groups, new BestLabelChoice { Axis = "schedule", Metric = MatrixMetrics.Accuracy, Labels = ["fast", "mid", "slow"] });

        best.Select(r => (r.Name, r.Chosen, r.Compared)).Should().Equal(("adapter=lora", "mid", 3), ("adapter=dora", "fast", 1), ("adapter=mma", null, 0));
        best[0].Means[MatrixMetrics.Accuracy].Should().Be(0.8);
        best[2].Means.Should().BeEmpty();
        best[2].Failed.Should().Be(1);

        var lowest = MatrixSummaryTable.Best(groups, new BestLabelChoice { Axis = "schedule", Metric = MatrixMetrics.Accuracy, Labels = ["fast", "mid", "slow"], Direction = "lower" });
        lowest[0].Chosen.Should().Be("fast");
    }
}
