using Pipeline.Host.Reporting;
using Pipeline.Host.Tests.Data;

namespace Pipeline.Host.Tests.Reporting;

public sealed class MetricsPlotterTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Train(string stage, int step, double loss, bool learningRates = true)
    {
        string rates = learningRates ? FormattableString.Invariant($$""","lr_encoder":0.001,"lr_llm":{{0.002 / step}}""") : "";
        return FormattableString.Invariant($$"""{"kind":"train","stage":"{{stage}}","step":{{step}},"loss":{{loss}},"grad_norm":1.5,"tokens_per_second":900{{rates}}}""");
    }

    private static string Eval(string stage, int step, double accuracy) => FormattableString.Invariant(
        $$"""{"kind":"eval","stage":"{{stage}}","step":{{step}},"eval_loss":1.2,"accuracy":{{accuracy}},"samples":30,"accuracy_image":0.5,"accuracy_audio":0.9,"accuracy_text":{{accuracy}}}""");

    private string Metrics(params string[] lines)
    {
        string path = Path.Combine(_folder.Path, "metrics.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private IEnumerable<string> Names(IEnumerable<string> paths) => paths.Select(p => Path.GetRelativePath(_folder.Path, p));

    [Fact]
    public void A_full_run_gets_every_chart_as_a_png_of_the_plot_size_beside_its_metrics()
    {
        string metrics = Metrics(
            Train("pretrain", 10, 4.0), Train("pretrain", 20, 2.5), Eval("pretrain", 20, 0.0),
            Train("instruct", 5, 3.0), """{"kind":"train","stage":"instruct","step":10,"loss":1.0,"lr_llm":0.001,"commit_kappa":0.4,"commit_kbar":0.35,"commit_multiplier_encoder":1.2,"commit_multiplier_llm":0.8}""",
            """{"kind":"schedule","stage":"instruct","step":8,"kappa":0.45,"kbar":0.4,"multipliers":{"encoder":1.1,"llm":0.9}}""",
            Eval("instruct", 10, 0.6));

        var written = MetricsPlotter.Write(metrics, _folder.Path);

        Names(written).Should().Equal("loss.png", "accuracy.png", "learning_rate.png", "kappa.png", "multipliers.png");
        written.Select(PngFile.Size).Should().AllBeEquivalentTo((MetricsPlotter.Width, MetricsPlotter.Height));
    }

    [Fact]
    public void Only_the_charts_whose_values_are_in_the_metrics_are_written()
    {
        string metrics = Metrics(Train("instruct", 1, 3.0, learningRates: false), Train("instruct", 2, 2.0, learningRates: false));

        var written = MetricsPlotter.Write(metrics, _folder.Path);

        Names(written).Should().Equal("loss.png");
        Directory.GetFiles(_folder.Path, "*.png").Should().ContainSingle();
    }

    [Fact]
    public void Evaluations_alone_give_only_the_held_out_loss_and_accuracy_charts()
    {
        var written = MetricsPlotter.Write(Metrics(Eval("instruct", 10, 0.5)), Path.Combine(_folder.Path, "plots"));

        Names(written).Should().Equal(Path.Combine("plots", "loss.png"), Path.Combine("plots", "accuracy.png"));
        written.Select(PngFile.Size).Should().AllBeEquivalentTo((MetricsPlotter.Width, MetricsPlotter.Height));
    }

    [Fact]
    public void Metrics_without_values_to_plot_write_nothing()
    {
        string metrics = Metrics("", """{"kind":"note","step":1,"text":"hello"}""", "{\"kind\":\"train\",\"stage\":\"x\",\"ste");

        MetricsPlotter.Write(metrics, _folder.Path).Should().BeEmpty();
        Directory.GetFiles(_folder.Path, "*.png").Should().BeEmpty();
    }

    [Fact]
    public void A_missing_metrics_file_is_reported_by_path()
    {
        string missing = Path.Combine(_folder.Path, "nope", "metrics.jsonl");

        Action plot = () => MetricsPlotter.Write(missing, _folder.Path);

        plot.Should().Throw<FileNotFoundException>().WithMessage($"'{missing}' does not exist");
    }

    [Fact]
    public void The_log_reader_flattens_nested_values_reads_true_as_one_inherits_the_stage_and_skips_broken_lines()
    {
        // The run-level data record (a kind, no step) is neither plotted nor counted as skipped.
        string metrics = Metrics(
            """{"kind":"data","split":"train","samples":3,"skipped":0}""",
            Train("pretrain", 10, 4.0),
            """{"kind":"schedule","step":3,"multipliers":{"encoder":1.1,"llm":0.9},"history":[0.5,0.25],"note":"x","flag":true}""",
            "not json", """{"kind":"train","step":"ten"}""");

        var log = MetricsLog.Read(metrics);

        log.SkippedLines.Should().Be(2);
        log.Records.Should().HaveCount(2);
        var schedule = log.Records[1];
        (schedule.Kind, schedule.Stage, schedule.Step).Should().Be(("schedule", "pretrain", 3L));
        schedule.Values.Should().Equal(new Dictionary<string, double>
        {
            ["multipliers.encoder"] = 1.1, ["multipliers.llm"] = 0.9, ["history[0]"] = 0.5, ["history[1]"] = 0.25, ["flag"] = 1,
        });
    }

    [Fact]
    public void Stages_are_laid_end_to_end_on_one_step_axis()
    {
        var log = MetricsLog.Read(Metrics(Train("pretrain", 50, 2), Train("pretrain", 700, 1), Eval("pretrain", 700, 0), Train("instruct", 50, 1)));

        var axis = StageAxis.From(log.Records);

        axis.Stages.Should().Equal(("pretrain", 0L, 700L), ("instruct", 700L, 50L));
        axis.X("instruct", 50).Should().Be(750);
    }

    private static string Evaluation(string stage, int step, double accuracy, double text, int samples, bool subset = false) => FormattableString.Invariant(
        $$"""{"kind":"eval","stage":"{{stage}}","step":{{step}},"eval_loss":{{2 - accuracy}},"accuracy":{{accuracy}},"samples":{{samples}}{{(subset ? ",\"subset\":true" : "")}},"accuracy_text":{{text}}}""");

    private ChartData Chart(string fileName, params string[] lines) =>
        MetricsPlotter.ChartsOf(MetricsLog.Read(Metrics(lines))).Single(c => c.FileName == fileName);

    private static IEnumerable<string> Describe(ChartData chart) => chart.Series.Select(s =>
        FormattableString.Invariant($"{s.Name} [{s.Legend ?? "-"}] {s.Style}: {string.Join(" ", s.Points.Select(p => $"{p.X}={p.Y}"))}"));

    [Fact]
    public void Evaluations_on_the_whole_split_make_one_accuracy_curve_per_series_across_the_stages()
    {
        var chart = Chart("accuracy.png",
            Train("pretrain", 20, 2), Evaluation("pretrain", 10, 0.0, 0.0, 30), Evaluation("pretrain", 20, 0.1, 0.2, 30),
            Train("instruct", 30, 1), Evaluation("instruct", 15, 0.5, 0.4, 30), Evaluation("instruct", 30, 0.75, 0.5, 30));

        chart.Percent.Should().BeTrue();
        Describe(chart).Should().Equal(
            "overall [overall] Line: 10=0 20=10 35=50 50=75",
            "text [text] Line: 10=0 20=20 35=40 50=50");
    }

    [Fact]
    public void Subset_evaluations_make_the_curve_and_whole_split_ones_are_points_beside_it()
    {
        var chart = Chart("accuracy.png",
            Evaluation("pretrain", 20, 0.0, 0.0, 30),
            Evaluation("instruct", 10, 0.25, 0.5, 12, subset: true), Evaluation("instruct", 20, 0.5, 0.5, 12, subset: true),
            Evaluation("instruct", 30, 0.75, 1.0, 30));

        Describe(chart).Should().Equal(
            "overall [overall] Line: 30=25 40=50",
            "overall [overall, whole split] Points: 20=0 50=75",
            "text [text] Line: 30=50 40=50",
            "text [-] Points: 20=0 50=100");
    }

    [Fact]
    public void The_loss_chart_has_the_training_loss_per_stage_and_the_held_out_loss_across_stages()
    {
        var chart = Chart("loss.png",
            Train("pretrain", 10, 4.0), Train("pretrain", 20, 2.5), Evaluation("pretrain", 20, 0.0, 0.0, 30),
            Train("instruct", 5, 3.0), Evaluation("instruct", 5, 0.5, 0.5, 12, subset: true),
            Train("instruct", 10, 1.0), Evaluation("instruct", 10, 1.0, 1.0, 30));

        Describe(chart).Should().Equal(
            "pretrain [pretrain] Line: 10=4 20=2.5",
            "instruct [instruct] Line: 25=3 30=1",
            "held-out [held-out] Line: 25=1.5",
            "held-out [held-out, whole split] Points: 20=2 30=1");
    }

    [Fact]
    public void A_resumed_run_repeating_evaluations_keeps_the_later_ones()
    {
        var chart = Chart("accuracy.png",
            Evaluation("instruct", 10, 0.25, 0.5, 12, subset: true), Evaluation("instruct", 20, 0.5, 0.5, 12, subset: true),
            Evaluation("instruct", 20, 0.625, 0.5, 12, subset: true), Evaluation("instruct", 30, 0.75, 1.0, 30));

        chart.Series.First().Points.Should().Equal((10.0, 25.0), (20.0, 62.5));
    }
}
