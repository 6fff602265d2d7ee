using Pipeline.Host.Config.Binding;
using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class SummarySettingsReaderTests
{
    /// <summary>Lines 1-2 are base and output_dir, 3-12 the axes; <c>summary:</c> is line 13, its keys from line 14.</summary>
    private const string Axes = """
        axes:
          rank:
            key: model.adapters.0.options.rank
            values: [4, 8]
          lr:
            key: stages.1.learning_rate.llm
            values: { low: 1.0e-3, high: 3.0e-3 }
          seed:
            key: run.seed
        """ + "\n    values: [1, 2, 3]\n";

    private static string LoadFails(TinyMatrix matrix, string summary)
    {
        matrix.Write(Axes + summary);
        var load = () => MatrixFile.Load(matrix.MatrixPath);
        return load.Should().Throw<ConfigException>().Which.Message;
    }

    [Fact]
    public void A_summary_is_read_with_the_best_axis_labels_in_file_order_and_directions_from_the_metric()
    {
        using var matrix = new TinyMatrix();
        matrix.Write(Axes + """
            summary:
              over: [seed]
              best: { axis: lr, metric: instruct.eval_loss }
              targets: { accuracy: 0.8, eval_loss: [1, 0.5] }
              curves: [accuracy, commit_kappa]
            """);

        var summary = MatrixFile.Load(matrix.MatrixPath).Summary!;

        summary.Over.Should().Equal("seed");
        summary.Best!.Labels.Should().Equal("low", "high");
        summary.Best.Direction.Should().Be("lower", "a loss is better lower");
        summary.Targets.Select(t => t.Column).Should().Equal("steps_to_accuracy_0.8", "steps_to_eval_loss_1", "steps_to_eval_loss_0.5");
        summary.Curves.Should().Equal("accuracy", "commit_kappa");
    }

    [Theory]
    [InlineData("summary:\n  over: [sed]", "14:10: summary.over[0]: unknown axis 'sed' (did you mean 'seed'?); axes: rank, lr, seed")]
    [InlineData("summary:\n  best: { axis: lr, metric: accuracy }", "14:3: summary: missing 'over'; name the axes whose cells are repeats (over: [seed])")]
    [InlineData("summary:\n  over: [seed]\n  best: { axis: lrr, metric: accuracy }", "15:17: summary.best.axis: unknown axis 'lrr' (did you mean 'lr'?); axes: rank, lr, seed")]
    [InlineData("summary:\n  over: [seed, lr]\n  best: { axis: lr, metric: accuracy }",
        "15:17: summary.best.axis: 'lr' is an axis the summary averages over (summary.over); choose another axis")]
    [InlineData("summary:\n  over: [seed]\n  best: { axis: lr, metric: steps }", "15:29: summary.best.metric: steps is neither better higher nor lower; give direction: higher or lower")]
    [InlineData("summary:\n  over: [seed]\n  targets: { accuracy: high }", "15:24: summary.targets.accuracy: expected a number (0.8) or a list of numbers, got 'high'")]
    [InlineData("summary:\n  over: [seed]\n  targets: { final_loss: 0.5 }",
        "15:14: summary.targets: 'final_loss' is not a value of the evaluations; targets name accuracy, accuracy_CATEGORY or eval_loss")]
    [InlineData("summary:\n  over: [seed]\n  curve: [loss]", "15:3: summary: unknown key 'curve'; a summary has 'over', 'best', 'targets' and 'curves'")]
    public void Mistakes_are_reported_at_their_place_in_the_matrix_file(string summary, string message)
    {
        using var matrix = new TinyMatrix();

        LoadFails(matrix, summary).Should().Be($"{matrix.MatrixPath}:{message}");
    }

    [Fact]
    public void A_best_metric_that_is_not_a_results_column_lists_the_columns()
    {
        using var matrix = new TinyMatrix();

        LoadFails(matrix, "summary:\n  over: [seed]\n  best: { axis: lr, metric: acuracy }").Should().Be(
            $"{matrix.MatrixPath}:15:29: summary.best.metric: 'acuracy' is not a results column (did you mean 'accuracy'?); columns: accuracy, " +
            "accuracy_CATEGORY, eval_loss, final_loss, steps, trainable_parameters, wall_seconds, tokens_per_second, STAGE.accuracy, " +
            "STAGE.accuracy_CATEGORY, STAGE.eval_loss, and no summary.targets, so no steps_to_ column");
        LoadFails(matrix, "summary:\n  over: [seed]\n  best: { axis: lr, metric: steps_to_accuracy_0.9 }\n  targets: { accuracy: 0.8 }").Should().EndWith(
            "15:29: summary.best.metric: 'steps_to_accuracy_0.9' is not a results column (did you mean 'steps_to_accuracy_0.8'?); columns: accuracy, " +
            "accuracy_CATEGORY, eval_loss, final_loss, steps, trainable_parameters, wall_seconds, tokens_per_second, STAGE.accuracy, " +
            "STAGE.accuracy_CATEGORY, STAGE.eval_loss, and the targets' columns steps_to_accuracy_0.8");
    }
}
