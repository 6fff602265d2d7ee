using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>Per-stage columns, steps to a target and the summary files, built from hand-written cell folders as <c>matrix collect</c> builds them.</summary>
public sealed class MatrixSummaryCollectTests : IDisposable
{
    private readonly FakeMatrixFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Axes = ["adapter", "lr", "seed"];

    private static readonly SummarySettings Settings = new()
    {
        Over = ["seed"],
        Best = new BestLabelChoice { Axis = "lr", Labels = ["low", "high"], Metric = MatrixMetrics.Accuracy },
        Targets = [new MetricTarget(MatrixMetrics.Accuracy, 0.5)],
        Curves = [MatrixMetrics.Accuracy],
    };

    [Fact]
    public void Each_stage_end_evaluation_becomes_columns_under_the_stage_name_and_stat_keys_are_no_categories()
    {
        _folder.WriteManifest(Axes, [["lora", "low", "1"]], Settings);
        _folder.Finished("adapter=lora,lr=low,seed=1", accuracy: 0.8, pretrainText: 0.45);

        var results = MatrixResultsReader.Read(MatrixManifest.Read(_folder.Root), _folder.Root);

        results.Categories.Should().Equal("image", "text");
        results.StageMetrics.Should().Equal("pretrain.accuracy", "pretrain.accuracy_text", "pretrain.eval_loss",
            "instruct.accuracy", "instruct.accuracy_image", "instruct.accuracy_text", "instruct.eval_loss");
        results.TargetMetrics.Should().Equal("steps_to_accuracy_0.5");
        var metrics = results.Cells.Single().Metrics;
        // From the stage-end evaluations (summary.json), not the periodic ones in metrics.jsonl (text 0.1 there).
        metrics["pretrain.accuracy_text"].Should().Be(0.45);
        metrics["pretrain.eval_loss"].Should().Be(1.4);
        metrics["instruct.accuracy"].Should().Be(0.8);
        metrics[MatrixMetrics.Accuracy].Should().Be(0.8, "the run's accuracy is the last evaluated stage's");
        metrics.Keys.Should().NotContain(k => k.Contains("stat_"));
        MatrixTable.Headers(results).Should().Equal(
            "index", "cell", "adapter", "lr", "seed", "accuracy", "accuracy_image", "accuracy_text", "eval_loss", "final_loss", "steps",
            "trainable_parameters", "wall_seconds", "tokens_per_second", "pretrain.accuracy", "pretrain.accuracy_text", "pretrain.eval_loss",
            "instruct.accuracy", "instruct.accuracy_image", "instruct.accuracy_text", "instruct.eval_loss", "steps_to_accuracy_0.5", "status", "error");
    }

    [Theory]
    // Accuracy at instruct step 10 of 30 is a third of the end value, at 20 two thirds; pretrain adds 20 steps before.
    [InlineData(0.9, 0.5, 40.0)]
    [InlineData(0.6, 0.5, 50.0)]
    [InlineData(0.6, 0.2, 20.0)]
    [InlineData(0.6, 0.1, 10.0)]
    [InlineData(0.6, 0.7, null)]
    public void Steps_to_a_target_is_the_first_global_step_of_an_evaluation_that_reached_it(double accuracy, double target, double? steps)
    {
        _folder.Finished("seed=1", accuracy);

        var metrics = MatrixResultsReader.MetricsOf(_folder.CellDirectory("seed=1"), [new MetricTarget(MatrixMetrics.Accuracy, target)]);

        string column = new MetricTarget(MatrixMetrics.Accuracy, target).Column;
        if (steps is null) metrics.Should().NotContainKey(column);
        else metrics[column].Should().Be(steps.Value);
    }

    [Fact]
    public void A_lower_is_better_target_is_reached_at_or_below_its_value()
    {
        new MetricTarget(MatrixMetrics.EvalLoss, 0.5).IsReachedBy(0.5).Should().BeTrue();
        new MetricTarget(MatrixMetrics.EvalLoss, 0.5).IsReachedBy(0.51).Should().BeFalse();
        new MetricTarget("accuracy_text", 0.5).IsReachedBy(0.49).Should().BeFalse();
        new MetricTarget(MatrixMetrics.EvalLoss, 0.25).Column.Should().Be("steps_to_eval_loss_0.25");
    }

    [Fact]
    public void Collect_writes_the_summary_and_the_best_table_from_the_folder_alone()
    {
        _folder.WriteManifest(Axes, [
            ["lora", "low", "1"], ["lora", "low", "2"], ["lora", "low", "3"],
            ["lora", "high", "1"], ["lora", "high", "2"], ["lora", "high", "3"],
        ], Settings);
        _folder.Finished("adapter=lora,lr=low,seed=1", 0.5, wallSeconds: 10);
        _folder.Finished("adapter=lora,lr=low,seed=2", 0.7, wallSeconds: 20);
        _folder.Finished("adapter=lora,lr=low,seed=3", 0.9, wallSeconds: 30);
        _folder.Finished("adapter=lora,lr=high,seed=1", 0.6);
        _folder.Failed("adapter=lora,lr=high,seed=2", "out of memory");
        // seed=3 of lr=high never ran.

        var outcome = MatrixOutcome.Finish(_folder.Root, null, null, null, _ => { });

        outcome.Files.Select(Path.GetFileName).Should().Contain(["summary.csv", "summary.md", "summary-best.csv", "summary-best.md",
            "summary_accuracy.png", "summary_accuracy_image.png", "summary_accuracy_text.png", "summary_curve_accuracy.png"]);
        var csv = File.ReadAllLines(Path.Combine(_folder.Root, "summary.csv"));
        csv[0].Should().StartWith("adapter,lr,n,n_failed,n_unfinished,accuracy_mean,accuracy_std,accuracy_image_mean,accuracy_image_std,")
            .And.Contain(",wall_seconds_mean,wall_seconds_std,")
            .And.Contain(",pretrain.accuracy_text_mean,pretrain.accuracy_text_std,")
            .And.EndWith(",steps_to_accuracy_0.5_mean,steps_to_accuracy_0.5_std,steps_to_accuracy_0.5_reached");
        var header = csv[0].Split(',');
        string[] Row(int line) => csv[line].Split(',');
        string Field(int line, string column) => Row(line)[Array.IndexOf(header, column)];
        csv.Should().HaveCount(3);
        (Field(1, "adapter"), Field(1, "lr"), Field(1, "n"), Field(1, "n_failed"), Field(1, "n_unfinished")).Should().Be(("lora", "low", "3", "0", "0"));
        double.Parse(Field(1, "accuracy_mean"), System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(0.7, 1e-12);
        double.Parse(Field(1, "accuracy_std"), System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(0.2, 1e-12);
        (Field(1, "wall_seconds_mean"), Field(1, "wall_seconds_std")).Should().Be(("20", "10"));
        // Steps to 0.5: seeds 1 and 2 (0.5 and 0.7 at the end, 0.33 and 0.47 at instruct step 20) at step 20 + 30; seed 3 (0.6 at 20) at 40.
        Field(1, "steps_to_accuracy_0.5_reached").Should().Be("3");
        double.Parse(Field(1, "steps_to_accuracy_0.5_mean"), System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(140.0 / 3, 1e-9);
        (Field(2, "lr"), Field(2, "n"), Field(2, "n_failed"), Field(2, "n_unfinished"), Field(2, "accuracy_mean"), Field(2, "accuracy_std"))
            .Should().Be(("high", "1", "1", "1", "0.6", ""));

        var best = File.ReadAllLines(Path.Combine(_folder.Root, "summary-best.csv"));
        best.Should().HaveCount(2);
        best[0].Should().StartWith("adapter,lr,compared,n,n_failed,n_unfinished,accuracy_mean,");
        best[1].Should().StartWith("lora,low,2,3,0,0,");

        string markdown = File.ReadAllText(Path.Combine(_folder.Root, "summary.md"));
        markdown.Should().StartWith("# sweep: mean over seed\n\n2 groups. Each value is the mean ± the sample standard deviation (n - 1)")
            .And.Contain("| adapter | lr | n | n_failed | n_unfinished | accuracy | accuracy_image |")
            .And.Contain("| lora | low | 3 | 0 | 0 | 70.0% ± 20.0 pt | 60.0% ± 0.0 pt |")
            .And.Contain("| lora | high | 1 | 1 | 1 | 60.0% | 60.0% |");
        File.ReadAllText(Path.Combine(_folder.Root, "summary-best.md")).Should()
            .StartWith("# sweep: best lr by accuracy (higher is better), mean over seed\n\n1 group, each at the lr label with the best mean accuracy");
        string page = File.ReadAllText(Path.Combine(_folder.Root, "report.html"));
        page.Should().Contain("<h2>Summary: mean over seed</h2>").And.Contain("<table id=\"summary\">").And.Contain("<table id=\"summary-best\">")
            .And.Contain("70.0% &#177; 20.0 pt", "the page encodes ± as a character reference").And.Contain("summary_curve_accuracy.png");
    }

    [Fact]
    public void The_summary_settings_travel_in_matrix_json_and_a_matrix_without_them_writes_no_summary()
    {
        _folder.WriteManifest(Axes, [["lora", "low", "1"]], Settings);
        MatrixManifest.Read(_folder.Root).Summary.Should().BeEquivalentTo(Settings);

        _folder.Finished("adapter=lora,lr=low,seed=1", 0.5);
        MatrixOutcome.Finish(_folder.Root, null, null, null, _ => { });
        _folder.WriteManifest(Axes, [["lora", "low", "1"]], null);
        var files = MatrixOutcome.Finish(_folder.Root, null, null, null, _ => { }).Files;

        files.Select(Path.GetFileName).Should().NotContain(f => f!.StartsWith("summary"));
        Directory.GetFiles(_folder.Root, "summary*").Should().BeEmpty("a summary the matrix no longer asks for is removed");
        Directory.GetFiles(Path.Combine(_folder.Root, "charts"), "summary_*").Should().BeEmpty();
    }

    [Fact]
    public void The_charts_show_each_rows_mean_with_its_deviation_and_the_mean_curve_over_the_repeats()
    {
        var settings = Settings with { Best = null };
        var manifest = _folder.WriteManifest(Axes, [["lora", "low", "1"], ["lora", "low", "2"], ["lora", "low", "3"]], settings);
        _folder.Finished("adapter=lora,lr=low,seed=1", 0.5);
        _folder.Finished("adapter=lora,lr=low,seed=2", 0.7);
        _folder.Finished("adapter=lora,lr=low,seed=3", 0.9);
        var results = MatrixResultsReader.Read(manifest, _folder.Root);

        var (bars, curves) = MatrixSummaryCharts.ChartsOf(results, settings, MatrixSummaryTable.Groups(results, settings));

        bars.Select(b => b.FileName).Should().Equal("summary_accuracy.png", "summary_accuracy_image.png", "summary_accuracy_text.png");
        var bar = bars[0].Bars.Single();
        (bar.Label, bar.ValueText).Should().Be(("adapter=lora,lr=low", "70.0% ± 20.0 pt"));
        bar.Value.Should().BeApproximately(70, 1e-9);
        bar.Error.Should().BeApproximately(20, 1e-9);
        var curve = curves.Single().Series.Single();
        // Stage ends: pretrain (step 20) at 30 % for every seed; instruct's end (step 50) at 50, 70 and 90 %.
        curve.Points.Should().HaveCount(5);
        curve.Points[1].X.Should().Be(20);
        curve.Points[1].Y.Should().BeApproximately(30, 1e-9);
        curve.Points[4].X.Should().Be(50);
        curve.Points[4].Y.Should().BeApproximately(70, 1e-9);
        curve.Band![4].Low.Should().BeApproximately(50, 1e-9);
        curve.Band[4].High.Should().BeApproximately(90, 1e-9);
    }

    [Fact]
    public void A_mean_curve_keeps_only_the_steps_every_repeat_logged()
    {
        var mean = MatrixSummaryCharts.MeanCurve([
            new Dictionary<double, double> { [10] = 1, [20] = 2, [30] = 3 },
            new Dictionary<double, double> { [10] = 3, [30] = 5 },
        ]);

        mean.Should().Equal((10.0, 2.0, Math.Sqrt(2)), (30.0, 4.0, Math.Sqrt(2)));
    }
}
