using Pipeline.Host.Matrix;
using Pipeline.Host.Tests.Cli;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>
/// A two-cell matrix over the tiny pipeline (two seeds, a few steps, one thread) and its results when run here with
/// <c>pipeline matrix FILE</c>, the reference the array-job runs of the same matrix must equal. Shared by a test class.
/// </summary>
public sealed class ReferenceMatrixRun : IDisposable
{
    /// <summary>One TorchSharp thread in every cell, wherever it runs, so each cell's training is the same computation everywhere.</summary>
    public const string Body = TinyMatrix.ShortStages + """

          run.threads: 1
        axes:
          seed:
            key: run.seed
            values: [1, 2]
        """;

    public ReferenceMatrixRun()
    {
        Matrix = new TinyMatrix(Body);
        var (exitCode, output, error) = ConsoleCapture.Run("matrix", Matrix.MatrixPath);
        if (exitCode != 0) throw new InvalidOperationException($"the reference matrix run failed with exit code {exitCode}:\n{error}{output}");
        Results = MatrixResultsReader.Read(MatrixManifest.Read(Matrix.OutputDirectory), Matrix.OutputDirectory);
    }

    /// <summary>The matrix; its YAML ends with <see cref="Body"/>, and tests append their <c>slurm</c> or <c>k8s</c> block.</summary>
    public TinyMatrix Matrix { get; }

    /// <summary>The results of the local run.</summary>
    public MatrixResults Results { get; }

    /// <summary>The metrics that must not depend on where a cell ran (not wall time or throughput).</summary>
    public static readonly string[] ComputedMetrics = [MatrixMetrics.Accuracy, MatrixMetrics.EvalLoss, MatrixMetrics.FinalLoss, MatrixMetrics.Steps, MatrixMetrics.TrainableParameters];

    /// <summary>Checks that <paramref name="collected"/> holds every cell finished, with exactly the reference's computed metrics.</summary>
    public void ShouldMatch(MatrixResults collected)
    {
        collected.Cells.Select(c => (c.Name, c.Status)).Should().Equal(Results.Cells.Select(c => (c.Name, CellStatus.Finished)));
        foreach (var (cell, reference) in collected.Cells.Zip(Results.Cells))
        {
            foreach (string metric in ComputedMetrics)
                cell.Metrics[metric].Should().Be(reference.Metrics[metric], $"{metric} of {cell.Name} must not depend on where the cell ran");
        }
    }

    public void Dispose() => Matrix.Dispose();
}
