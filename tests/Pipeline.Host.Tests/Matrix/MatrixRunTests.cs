using System.Diagnostics;
using Pipeline.Host.Cli;
using Pipeline.Host.Matrix;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Support;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>Matrices run end to end through the command line, each cell in its own process as the matrix runs them.</summary>
public sealed class MatrixRunTests
{
    private const string SeedAxis = """
        axes:
          seed:
            key: run.seed
            values: [1, 2]
        """;

    [Fact]
    public void A_matrix_runs_every_cell_into_its_own_directory_and_a_rerun_skips_the_finished_cells()
    {
        using var matrix = new TinyMatrix();

        var (exitCode, output, error) = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--jobs", "2");

        error.Should().BeEmpty();
        exitCode.Should().Be(0, output);
        output.Should().Contain($"{matrix.MatrixPath}: 4 cells valid; output in {matrix.OutputDirectory}")
            .And.Contain($"4 of 4 cells finished; results: results.csv, results.md, final_accuracy.png, loss.png, accuracy.png, report.html in {matrix.OutputDirectory}");
        File.ReadAllLines(Path.Combine(matrix.OutputDirectory, "results.csv")).Should().HaveCount(5, "a header and a row per cell");
        var results = MatrixResultsReader.Read(MatrixManifest.Read(matrix.OutputDirectory), matrix.OutputDirectory);
        results.Cells.Should().OnlyContain(c => c.Status == CellStatus.Finished && c.Error == null);
        results.Categories.Should().Equal("audio", "image", "text");
        results.Cells.Select(c => c.Metrics[MatrixMetrics.Steps]).Should().OnlyContain(s => s == 10);
        results.Cells.Select(c => c.Metrics[MatrixMetrics.TrainableParameters]).Distinct().Should().HaveCount(2, "rank 4 and rank 8 train different counts");
        results.Cells.Should().OnlyContain(c => c.Metrics.ContainsKey(MatrixMetrics.Accuracy) && c.Metrics.ContainsKey(MatrixMetrics.FinalLoss)
            && c.Metrics.ContainsKey(MatrixMetrics.TokensPerSecond) && c.Metrics.ContainsKey("accuracy_image"));
        File.ReadAllText(Path.Combine(matrix.CellDirectory("rank=r8,seed=2"), "train.log")).Should().Contain("cell rank=r8,seed=2: training in");
        foreach (var cell in results.Cells)
            Directory.GetFiles(Path.Combine(cell.RunDirectory, "tensorboard"), "events.out.tfevents.*").Should().ContainSingle(
                "every cell is one TensorBoard run under the matrix's cells/ folder");

        var rerun = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--only", "seed=2", "0");

        rerun.ExitCode.Should().Be(0, rerun.Output);
        rerun.Output.Should().Contain("[1/3] rank=r4,seed=1: finished earlier; skipped").And.Contain("[3/3] rank=r8,seed=2: finished earlier; skipped")
            .And.NotContain("rank=r8,seed=1");
    }

    [Fact]
    public void A_finished_cell_whose_configuration_changed_is_neither_rerun_over_nor_reported_as_a_result()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + "\naxes:\n  seed:\n    key: run.seed\n    values: [1]\n");
        ConsoleCapture.Run("matrix", matrix.MatrixPath).ExitCode.Should().Be(0);
        File.WriteAllText(matrix.MatrixPath, File.ReadAllText(matrix.MatrixPath).Replace("stages.1.steps: 4", "stages.1.steps: 5"));
        string summary = File.ReadAllText(Path.Combine(matrix.CellDirectory("seed=1"), "summary.json"));

        var (exitCode, output, _) = ConsoleCapture.Run("matrix", matrix.MatrixPath);

        exitCode.Should().Be(CommandErrors.RunError, output);
        output.Should().MatchRegex(@"\[1/1\] seed=1: FAILED: finished earlier with another configuration or another build of the host or its plugins \(fingerprint [0-9a-f]{12}, the matrix now gives [0-9a-f]{12}\); delete .*seed=1 to run it again");
        File.ReadAllText(Path.Combine(matrix.CellDirectory("seed=1"), "summary.json")).Should().Be(summary, "the finished run is left as it was");
        var cell = MatrixResultsReader.Read(MatrixManifest.Read(matrix.OutputDirectory), matrix.OutputDirectory).Cells.Single();
        cell.Status.Should().Be(CellStatus.Failed);
        cell.Metrics.Should().BeEmpty("its numbers belong to another configuration");
    }

    [Fact]
    public void Usage_mistakes_are_refused_with_exit_code_2_before_any_cell_runs()
    {
        using var matrix = new TinyMatrix();

        var missingBaseline = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--baseline", Path.Combine(matrix.Directory, "none.json"));
        var noCell = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--only", "rank=r16");
        var ignored = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--index", "0", "--baseline", "b.json", "--jobs", "2");
        var outOfRange = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--index", "4");

        missingBaseline.ExitCode.Should().Be(CommandErrors.ConfigurationError);
        missingBaseline.Error.Should().StartWith($"--baseline: baseline file '{Path.Combine(matrix.Directory, "none.json")}' does not exist");
        noCell.ExitCode.Should().Be(CommandErrors.ConfigurationError);
        noCell.Error.Should().StartWith("--only: rank=r16: axis 'rank' has no label 'r16'; its labels: r4, r8");
        ignored.ExitCode.Should().Be(CommandErrors.ConfigurationError);
        ignored.Error.Trim().Should().Be("--index: runs no matrix here, so --jobs and --baseline would be ignored; leave them out " +
            "(collect the results with 'pipeline matrix collect DIR', which takes --baseline and --write-baseline)");
        outOfRange.ExitCode.Should().Be(CommandErrors.ConfigurationError);
        outOfRange.Error.Trim().Should().Be("--index: 4 is not a cell of the matrix: it has 4 cells (0 to 3)");
        Directory.Exists(Path.Combine(matrix.OutputDirectory, "cells")).Should().BeFalse("nothing ran");

        var baselineIntoFolder = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--write-baseline", matrix.Directory);
        baselineIntoFolder.ExitCode.Should().Be(CommandErrors.ConfigurationError);
        baselineIntoFolder.Error.Trim().Should().Be($"--write-baseline: '{matrix.Directory}' is a folder, not a file");
        Directory.Exists(Path.Combine(matrix.OutputDirectory, "cells")).Should().BeFalse("nothing ran");

        var notAMatrix = ConsoleCapture.Run("matrix", "collect", matrix.Directory);
        notAMatrix.ExitCode.Should().Be(CommandErrors.ConfigurationError);
        notAMatrix.Error.Trim().Should().Be($"matrix collect: '{matrix.Directory}' is not a matrix output directory: it has no matrix.json " +
            "(written when a matrix runs or emits an array job); name the matrix's output_dir");
    }

    [Fact]
    public void A_cell_another_process_is_training_is_left_to_it()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + "\n" + SeedAxis);
        using var held = CellLock.TryTake(matrix.CellDirectory("seed=1"));
        held.Should().NotBeNull();
        CellLock.IsHeld(matrix.CellDirectory("seed=1")).Should().BeTrue();

        var (exitCode, output, _) = ConsoleCapture.Run("matrix", matrix.MatrixPath);

        exitCode.Should().Be(CommandErrors.RunError, output);
        output.Should().Contain($"seed=1: not run: cell seed=1 is being trained by another process (it holds {Path.Combine(matrix.CellDirectory("seed=1"), CellLock.FileName)}); left to it")
            .And.Contain("seed=2: finished in");
        CellRecord.Read(matrix.CellDirectory("seed=1")).Should().BeNull("the other process's cell is not touched");
    }

    [Fact]
    public void A_failing_cell_is_recorded_with_its_error_and_the_other_cells_still_run()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + """

            axes:
              lr:
                key: stages.0.learning_rate.llm
                values: { huge: 1.0e+30, fine: 3.0e-3 }
            """);

        var (exitCode, output, _) = ConsoleCapture.Run("matrix", matrix.MatrixPath);

        exitCode.Should().Be(CommandErrors.RunError, output);
        var results = MatrixResultsReader.Read(MatrixManifest.Read(matrix.OutputDirectory), matrix.OutputDirectory);
        results.Cells.Select(c => c.Status).Should().Equal(CellStatus.Failed, CellStatus.Finished);
        results.Cells[0].Error.Should().Be("stage 'pretrain' step 2: the loss is NaN; stopping before the weights are corrupted");
        results.Cells[0].Metrics.Should().BeEmpty();
        output.Should().Contain($"failed: cell lr=huge: {results.Cells[0].Error}").And.Contain("1 of 2 cells finished");
    }

    [Fact]
    public void A_cell_missing_on_either_side_of_a_baseline_comparison_fails_it_and_is_named()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + "\n" + SeedAxis + "\nmetrics:\n  accuracy: 0.05\n  steps: 0\n");
        string baseline = Path.Combine(matrix.Directory, "baseline.json");
        ConsoleCapture.Run("matrix", matrix.MatrixPath, "--write-baseline", baseline).ExitCode.Should().Be(0);
        var same = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--baseline", baseline);
        same.ExitCode.Should().Be(0, same.Output);
        same.Output.Should().Contain($"baseline {baseline}: 4 metrics of 2 cells compared; 0 regressions, 0 improvements: passed");

        File.WriteAllText(matrix.MatrixPath, File.ReadAllText(matrix.MatrixPath).Replace("values: [1, 2]", "values: [1, 2, 3]"));
        var extra = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--output", Path.Combine(matrix.Directory, "three"), "--baseline", baseline);

        extra.ExitCode.Should().Be(CommandErrors.BaselineFailed, extra.Output);
        extra.Output.Should().Contain("missing: cell seed=3 finished but is not in the baseline (write a new one with --write-baseline)")
            .And.Contain($"baseline {baseline}: 4 metrics of 2 cells compared; 0 regressions, 0 improvements, something missing: FAILED");

        File.WriteAllText(Path.Combine(matrix.CellDirectory("seed=1"), CellRecord.FileName), "{\"index\": 0, \"na");
        var damaged = MatrixResultsReader.Read(MatrixManifest.Read(matrix.OutputDirectory), matrix.OutputDirectory).Cells[0];
        damaged.Status.Should().Be(CellStatus.Failed);
        damaged.Error.Should().Be($"{Path.Combine(matrix.CellDirectory("seed=1"), CellRecord.FileName)} cannot be read; run the matrix again to redo the cell");
        File.Delete(Path.Combine(matrix.CellDirectory("seed=1"), CellRecord.FileName));
        File.Delete(Path.Combine(matrix.CellDirectory("seed=2"), CellRecord.FileName));
        var collected = ConsoleCapture.Run("matrix", "collect", matrix.OutputDirectory, "--baseline", baseline);

        collected.ExitCode.Should().Be(CommandErrors.BaselineFailed, collected.Output);
        collected.Output.Should().Contain("missing: cell seed=2 is in the baseline but has no finished result now").And.Contain("0 of 2 cells finished");
    }

    [Fact]
    public void A_cell_whose_steps_changed_is_a_regression_of_steps_with_both_values()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + "\n" + SeedAxis + "\nmetrics:\n  steps: 0\n");
        string baseline = Path.Combine(matrix.Directory, "baseline.json");
        ConsoleCapture.Run("matrix", matrix.MatrixPath, "--only", "seed=1", "--write-baseline", baseline).ExitCode.Should().Be(0);

        var regressed = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--only", "seed=1", "--output", Path.Combine(matrix.Directory, "short"),
            "--baseline", baseline);
        regressed.ExitCode.Should().Be(0, "the same cell with the same steps passes");
        File.WriteAllText(matrix.MatrixPath, File.ReadAllText(matrix.MatrixPath).Replace("stages.1.steps: 4", "stages.1.steps: 3"));
        regressed = ConsoleCapture.Run("matrix", matrix.MatrixPath, "--only", "seed=1", "--output", Path.Combine(matrix.Directory, "shorter"),
            "--baseline", baseline);

        regressed.ExitCode.Should().Be(CommandErrors.BaselineFailed, regressed.Output);
        regressed.Output.Should().Contain("regression: cell seed=1: steps 9, baseline 10: moved by -1, may move by at most 0")
            .And.Contain($"baseline {baseline}: 1 metrics of 1 cells compared; 1 regression, 0 improvements: FAILED");

        string stored = File.ReadAllText(baseline);
        var ratchet = ConsoleCapture.Run("matrix", "collect", Path.Combine(matrix.Directory, "shorter"), "--baseline", baseline, "--write-baseline", baseline);
        ratchet.ExitCode.Should().Be(CommandErrors.BaselineFailed);
        ratchet.Output.Should().Contain($"baseline not written to {baseline}: the comparison with {baseline} failed");
        File.ReadAllText(baseline).Should().Be(stored, "a failed run never becomes the next baseline");
    }

    [BrowserFact]
    public void The_report_of_a_run_with_a_planted_regression_loads_in_a_browser_with_the_regressed_value_marked()
    {
        using var matrix = new TinyMatrix(TinyMatrix.ShortStages + "\n" + SeedAxis + "\nmetrics:\n  final_loss: 1%\n");
        string baseline = Path.Combine(matrix.Directory, "baseline.json");
        ConsoleCapture.Run("matrix", matrix.MatrixPath, "--write-baseline", baseline).ExitCode.Should().Be(0);
        // Planted: the baseline says seed=2 once reached half its loss, so the measured loss rose far beyond 1 %.
        var stored = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(baseline))!;
        double loss = stored["cells"]!["seed=2"]!["final_loss"]!.GetValue<double>();
        stored["cells"]!["seed=2"]!["final_loss"] = loss / 2;
        File.WriteAllText(baseline, stored.ToJsonString());

        var (exitCode, output, _) = ConsoleCapture.Run("matrix", "collect", matrix.OutputDirectory, "--baseline", baseline);

        exitCode.Should().Be(CommandErrors.BaselineFailed, output);
        output.Should().Contain($"regression: cell seed=2: final_loss {loss.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)}");
        var page = HeadlessBrowser.DumpDom(Path.Combine(matrix.OutputDirectory, "report.html"));
        page.ExitCode.Should().Be(0, page.Log);
        page.ConsoleMessages.Should().BeEmpty();
        page.Output.Should().Contain("data-images-loaded=\"3\"").And.Contain("<td class=\"number regressed\"");
        System.Text.RegularExpressions.Regex.Matches(page.Output, "<td class=\"number regressed\"").Should().ContainSingle();
    }

    [Fact]
    public void An_interrupted_cell_resumes_from_its_checkpoint_when_the_matrix_runs_again()
    {
        using var matrix = new TinyMatrix("""
            set:
              stages.0.steps: 400
              stages.1.steps: 2
              data.synthetic.eval_per_category: 3
              run.checkpoint.every: 5
            axes:
              seed:
                key: run.seed
                values: [1]
            """);
        var definition = MatrixFile.Load(matrix.MatrixPath);
        MatrixManifest.Of(definition, MatrixValidator.Validate(definition)).Write(definition.OutputDirectory);
        string latest = Path.Combine(matrix.CellDirectory("seed=1"), "checkpoints", "latest");
        var launcher = PipelineLauncher.Command();
        var start = new ProcessStartInfo(launcher[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in launcher.Skip(1).Concat(MatrixLocalRunner.CellArguments(definition, 0, []))) start.ArgumentList.Add(argument);
        using (var process = Process.Start(start)!)
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(latest) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(50);
            File.Exists(latest).Should().BeTrue("the cell writes a checkpoint every 5 steps");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        CellRecord.Read(matrix.CellDirectory("seed=1"))!.Status.Should().Be(CellStatus.Interrupted);

        var (exitCode, output, _) = ConsoleCapture.Run("matrix", matrix.MatrixPath);

        exitCode.Should().Be(0, output);
        File.ReadAllText(Path.Combine(matrix.CellDirectory("seed=1"), "train.log")).Should().Contain("cell seed=1: resuming from its latest checkpoint");
        var record = CellRecord.Read(matrix.CellDirectory("seed=1"))!;
        record.Status.Should().Be(CellStatus.Finished);
        record.Attempts.Should().Be(2);
    }
}
