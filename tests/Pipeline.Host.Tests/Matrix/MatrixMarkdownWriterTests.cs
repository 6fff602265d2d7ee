using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

public sealed class MatrixMarkdownWriterTests : IDisposable
{
    private readonly MatrixFixture _matrix = new();

    public void Dispose() => _matrix.Dispose();

    private MatrixResults Compared()
    {
        var finished = _matrix.Cell(0, "lora", "constant", CellStatus.Finished, MatrixFixture.FinishedMetrics(0.725));
        var failed = _matrix.Cell(1, "dora", "commit", CellStatus.Failed, error: "CUDA error | <b>boom</b>\n  at step 3");
        var notRun = _matrix.Cell(2, "dora", "constant", CellStatus.NotStarted);
        var comparison = new BaselineComparison("baseline.json",
            [
                MatrixFixture.Check(finished, MatrixMetrics.Accuracy, MetricDirection.Higher, 0.02, baseline: 0.76, measured: 0.725),
                MatrixFixture.Check(finished, MatrixMetrics.EvalLoss, MetricDirection.Lower, 0.05, baseline: 0.42, measured: 0.41372),
                new MetricCheck(finished.Name, new MetricTolerance(MatrixMetrics.WallSeconds, MetricDirection.Lower, 0, 0.1), 120, 93.4),
            ],
            MissingFromResults: [failed.Name], MissingFromBaseline: [],
            MissingMetrics: [new(finished.Name, "accuracy_audio")]);
        return MatrixFixture.Results([finished, failed, notRun], comparison);
    }

    [Fact]
    public void The_table_is_readable_and_marks_the_regressed_and_improved_values()
    {
        string[] lines = MatrixMarkdownWriter.Text(Compared()).Split('\n');

        lines[..11].Should().Equal(
            "# demo",
            "",
            "3 cells: 1 finished, 1 failed, 1 not run; baseline failed: 1 regression, 1 cell missing from the results, 1 metric missing on one side.",
            "",
            "| index | cell | adapter | schedule | accuracy | accuracy_image | accuracy_text | eval_loss | final_loss | steps | trainable_parameters | wall_seconds | tokens_per_second | status | error |",
            "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
            "| 0 | adapter=lora,schedule=constant | lora | constant | **72.5%** ✗ | 50.0% | 95.0% | 0.4137 | 0.3000 | 50 | 1,204,224 | 93.4 ✓ | 1,235 | finished |  |",
            "| 1 | adapter=dora,schedule=commit | dora | commit |  |  |  |  |  |  |  |  |  | failed | CUDA error \\| \\<b\\>boom\\</b\\> at step 3 |",
            "| 2 | adapter=dora,schedule=constant | dora | constant |  |  |  |  |  |  |  |  |  | not_started |  |",
            "",
            "**bold** ✗: regressed beyond its tolerance from the baseline; ✓: improved beyond it.");
    }

    [Fact]
    public void The_baseline_section_lists_regressions_improvements_and_what_is_missing_on_each_side()
    {
        string text = MatrixMarkdownWriter.Text(Compared());

        text[text.IndexOf("## Baseline", StringComparison.Ordinal)..].Should().Be("""
            ## Baseline

            Compared with `baseline.json`: baseline failed: 1 regression, 1 cell missing from the results, 1 metric missing on one side.

            ### Regressions (1)

            | cell | metric | baseline | measured | move | allowed | tolerance | direction |
            | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
            | adapter=lora,schedule=constant | accuracy | 76.0% | 72.5% | -3.5 pt | 2.0 pt | 0.02 | higher is better |

            ### Improvements (1)

            | cell | metric | baseline | measured | move | allowed | tolerance | direction |
            | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
            | adapter=lora,schedule=constant | wall_seconds | 120.0 | 93.4 | -26.6 | 12.0 | 10% | lower is better |

            ### Missing

            - In the baseline, without a finished result now: adapter=dora,schedule=commit
            - Finished now, not in the baseline: none
            - Metrics one side lacks: adapter=lora,schedule=constant: accuracy_audio

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Without_a_baseline_nothing_is_marked_and_the_section_says_none_was_given()
    {
        var results = Compared() with { Comparison = null };

        string text = MatrixMarkdownWriter.Text(results);

        text.Should().NotContain("✗").And.NotContain("✓").And.NotContain("**");
        text.Should().Contain("; no baseline.\n").And.EndWith("## Baseline\n\nNo baseline was given.\n");
    }

    [Theory]
    [InlineData("accuracy_image", "accuracy_image")]
    [InlineData("_private_ *star* `code` [link](x) #1 a&b ~x~", "\\_private\\_ \\*star\\* \\`code\\` \\[link\\](x) \\#1 a\\&b \\~x\\~")]
    [InlineData("two\r\n  lines\n", "two lines ")]
    public void Text_from_the_data_is_escaped_for_a_table_cell(string text, string escaped) =>
        MatrixMarkdownWriter.Escape(text).Should().Be(escaped);
}
