using Pipeline.Host.Matrix;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>Matrix plans for the array-job writers, without a matrix file behind them.</summary>
internal static class TestPlans
{
    /// <summary>A plan of <paramref name="cells"/> cells <c>rank=1</c>, <c>rank=2</c>, ... (no assignments: the writers never read them).</summary>
    public static MatrixPlan Plan(string matrixFile, string outputDirectory, int cells, SlurmOptions? slurm = null, KubernetesOptions? kubernetes = null) =>
        new(matrixFile, outputDirectory,
            Enumerable.Range(0, cells).Select(i => new MatrixCell(i, $"rank={i + 1}", [new("rank", $"{i + 1}")], Array.Empty<MatrixAssignment>())).ToList(),
            slurm ?? new SlurmOptions(), kubernetes ?? new KubernetesOptions());
}
